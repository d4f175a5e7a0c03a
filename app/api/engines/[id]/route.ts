import { engineIdParamsSchema, updateEngineBodySchema } from "@/lib/engines/engine-schemas";
import { describeEngine, removeEngine, updateEngine } from "@/lib/engines/manage-engines";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ params: engineIdParamsSchema }, async ({ params }) => Response.json(await describeEngine(params.id)));

export const PATCH = route({ params: engineIdParamsSchema, body: updateEngineBodySchema, role: "admin" }, async ({ params, body }) => Response.json(await updateEngine(params.id, body)));

export const DELETE = route({ params: engineIdParamsSchema, role: "admin" }, ({ params }) => {
  removeEngine(params.id);
  return new Response(null, { status: 204 });
});
