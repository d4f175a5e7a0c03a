import { route } from "@/lib/http/route";
import { removeWorkspace, updateWorkspace } from "@/lib/workspace/change-workspace";
import { describeWorkspace, workspaceView } from "@/lib/workspace/describe-workspace";
import { updateWorkspaceBodySchema, workspaceIdParamsSchema } from "@/lib/workspace/workspace-schemas";

export const dynamic = "force-dynamic";

export const GET = route({ params: workspaceIdParamsSchema }, async ({ params }) => Response.json(await describeWorkspace(params.id)));

export const PATCH = route({ params: workspaceIdParamsSchema, body: updateWorkspaceBodySchema, role: "admin" }, async ({ params, body }) =>
  Response.json(await workspaceView(await updateWorkspace(params.id, body))),
);

export const DELETE = route({ params: workspaceIdParamsSchema, role: "admin" }, async ({ params }) => {
  await removeWorkspace(params.id);
  return new Response(null, { status: 204 });
});
