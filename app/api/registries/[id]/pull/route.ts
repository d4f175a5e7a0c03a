import { pullBodySchema, registryIdParamsSchema } from "@/lib/registries/registry-schemas";
import { pullFromRegistry } from "@/lib/driver-images/transfer-driver-image";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route({ params: registryIdParamsSchema, body: pullBodySchema }, async ({ params, body }) => Response.json(await pullFromRegistry(params.id, body)));
