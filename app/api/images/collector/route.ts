import { createCollectorImage } from "@/lib/images/create-image-operation";
import { collectorBodySchema } from "@/lib/images/operation-schemas";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route({ body: collectorBodySchema }, async ({ body, principal }) => Response.json(await createCollectorImage(body, { startedBy: principal?.name ?? null }), { status: 201 }));
