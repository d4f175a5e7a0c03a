import "server-only";
import { gitOrNull } from "./git";
import { listRefs } from "./list-refs";
import type { Workspace } from "./register-workspace";

/**
 * The branch a build of the workspace builds unless told otherwise: for a
 * remote, the branch the remote's HEAD names (as of the last fetch); for a
 * checkout, the branch it is on, or (HEAD detached) the branch its origin's
 * HEAD names, main, master, or the newest branch. Null when it has no branch.
 */
export async function workspaceDefaultBranch(workspace: Pick<Workspace, "kind" | "path" | "defaultBranch">): Promise<string | null> {
  if (workspace.kind === "remote" && workspace.defaultBranch) return workspace.defaultBranch;
  const refs = await listRefs(workspace.path);
  const originHead = (await gitOrNull(workspace.path, ["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"]))?.trim() ?? null;
  return pickDefaultBranch(refs, originHead);
}

/** The choice itself, from the checkout's refs (branches HEAD's first, then newest) and its origin's HEAD. */
export function pickDefaultBranch(refs: { head: string | null; branches: { name: string }[] }, originHead: string | null): string | null {
  if (refs.head) return refs.head;
  const names = refs.branches.map((b) => b.name);
  const fromOrigin = originHead?.replace(/^refs\/remotes\/origin\//, "");
  if (fromOrigin && names.includes(fromOrigin)) return fromOrigin;
  return ["main", "master"].find((b) => names.includes(b)) ?? names[0] ?? null;
}
