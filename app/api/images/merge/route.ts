import { createMerge } from "@/lib/images/create-image-operation";
import { mergeBodySchema } from "@/lib/images/operation-schemas";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route({ body: mergeBodySchema }, async ({ body, principal }) => Response.json(await createMerge(body, { startedBy: principal?.name ?? null }), { status: 201 }));
