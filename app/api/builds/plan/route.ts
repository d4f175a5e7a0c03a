import { createBuildBodySchema } from "@/lib/builds/build-schemas";
import { previewBuildPlan } from "@/lib/builds/plan/preview-build-plan";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/**
 * The plan a build with this body would make, made by the workspace's own
 * task master on the engine: an operator's, since it runs the workspace's
 * stages. Nothing stays behind; a preview the caller gives up is cancelled.
 */
export const POST = route({ body: createBuildBodySchema, role: "operator", audit: false }, async ({ body, request }) => Response.json(await previewBuildPlan(body, request.signal)));
