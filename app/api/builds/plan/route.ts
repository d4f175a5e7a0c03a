import { createBuildBodySchema } from "@/lib/builds/build-schemas";
import { previewBuildPlan } from "@/lib/builds/plan/preview-build-plan";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The plan a build with this body would make; nothing is started. */
export const POST = route({ body: createBuildBodySchema, role: "viewer" }, async ({ body }) => Response.json(await previewBuildPlan(body)));
