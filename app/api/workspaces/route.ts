import { route } from "@/lib/http/route";
import { listWorkspaces } from "@/lib/workspace/list-workspaces";

export const dynamic = "force-dynamic";

export const GET = route({}, () => Response.json({ workspaces: listWorkspaces() }));
