import { addEngineBodySchema } from "@/lib/engines/engine-schemas";
import { addEngine, describeEngines } from "@/lib/engines/manage-engines";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({}, async () => Response.json({ engines: await describeEngines() }));

export const POST = route({ body: addEngineBodySchema, role: "admin" }, async ({ body }) => Response.json(await addEngine(body), { status: 201 }));
