import { route } from "@/lib/http/route";
import { listWorkspaces } from "@/lib/workspace/list-workspaces";
import { registerWorkspace } from "@/lib/workspace/register-workspace";
import { registerWorkspaceBodySchema } from "@/lib/workspace/workspace-schemas";

export const dynamic = "force-dynamic";

export const GET = route({}, () => Response.json({ workspaces: listWorkspaces() }));

export const POST = route({ body: registerWorkspaceBodySchema, role: "admin" }, async ({ body }) => Response.json(await registerWorkspace(body), { status: 201 }));
