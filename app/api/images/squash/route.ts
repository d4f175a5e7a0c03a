import { createSquash } from "@/lib/images/create-image-operation";
import { squashBodySchema } from "@/lib/images/operation-schemas";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route({ body: squashBodySchema }, async ({ body, principal }) => Response.json(await createSquash(body, { startedBy: principal?.name ?? null }), { status: 201 }));
