import { route } from "@/lib/http/route";
import { workspaceView } from "@/lib/workspace/describe-workspace";
import { fetchWorkspace } from "@/lib/workspace/fetch-workspace";
import { getWorkspace } from "@/lib/workspace/get-workspace";
import { workspaceIdParamsSchema } from "@/lib/workspace/workspace-schemas";

export const dynamic = "force-dynamic";

/** Fetches a remote workspace now: its branches and tags become the remote's. */
export const POST = route({ params: workspaceIdParamsSchema, role: "operator" }, async ({ params, request }) =>
  Response.json(await workspaceView(await fetchWorkspace(getWorkspace(params.id), { signal: request.signal }))),
);
