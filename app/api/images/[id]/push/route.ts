import { pushBodySchema } from "@/lib/registries/registry-schemas";
import { pushToRegistry } from "@/lib/driver-images/transfer-driver-image";
import { route } from "@/lib/http/route";
import { imageIdParamsSchema } from "@/lib/images/image-schemas";

export const dynamic = "force-dynamic";

export const POST = route({ params: imageIdParamsSchema, body: pushBodySchema }, async ({ params, body }) => Response.json(await pushToRegistry(params.id, body)));
