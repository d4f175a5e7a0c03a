import { z } from "zod";
import { pushBodySchema } from "@/lib/registries/registry-schemas";
import { pushToRegistry } from "@/lib/driver-images/transfer-driver-image";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const params = z.object({ id: z.string().regex(/^\d{1,12}$/, "must be an image id").transform(Number) });

export const POST = route({ params, body: pushBodySchema }, async ({ params, body }) => Response.json(await pushToRegistry(params.id, body)));
