import "server-only";
import { ApiError } from "@/lib/http/api-error";
import { workspaceDefaultBranch } from "./default-branch";
import { fetchWorkspace } from "./fetch-workspace";
import { resolveCommit } from "./git";
import type { Workspace } from "./register-workspace";

/**
 * BRANCH of a new build: the one asked for, or the workspace's default
 * branch. A remote is fetched when its clone does not know the name yet (a
 * branch pushed since the last fetch); a name it still lacks is a 404.
 */
export async function resolveBuildBranch(workspace: Workspace, branch: string | undefined): Promise<string> {
  const name = branch ?? (await defaultBranchOf(workspace));
  if (await resolveCommit(workspace.path, name)) return name;
  if (workspace.kind === "remote") {
    await fetchWorkspace(workspace);
    if (await resolveCommit(workspace.path, name)) return name;
  }
  throw new ApiError("not_found", `the workspace ${workspace.name} has no branch or tag ${name}`);
}

/** The workspace's default branch, or a 404 saying it has none. */
export async function defaultBranchOf(workspace: Workspace): Promise<string> {
  const name = await workspaceDefaultBranch(workspace);
  if (!name) throw new ApiError("not_found", `the workspace ${workspace.name} has no branch: name the branch or tag to build`);
  return name;
}
