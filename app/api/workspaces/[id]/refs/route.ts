import { route } from "@/lib/http/route";
import { describeWorkspaceRefs } from "@/lib/workspace/describe-workspace-refs";
import { workspaceIdParamsSchema } from "@/lib/workspace/workspace-schemas";

export const dynamic = "force-dynamic";

export const GET = route({ params: workspaceIdParamsSchema }, async ({ params }) => Response.json(await describeWorkspaceRefs(params.id)));
