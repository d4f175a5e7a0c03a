import { route } from "@/lib/http/route";
import { describeWorkspaces, workspaceView } from "@/lib/workspace/describe-workspace";
import { registerWorkspace } from "@/lib/workspace/register-workspace";
import { registerWorkspaceBodySchema } from "@/lib/workspace/workspace-schemas";

export const dynamic = "force-dynamic";

export const GET = route({}, async () => Response.json({ workspaces: await describeWorkspaces() }));

export const POST = route({ body: registerWorkspaceBodySchema, role: "admin" }, async ({ body }) => Response.json(await workspaceView(await registerWorkspace(body), 0), { status: 201 }));
