import "server-only";
import { pickDefaultBranch } from "./default-branch";
import { getWorkspace } from "./get-workspace";
import { gitOrNull } from "./git";
import { listRefs } from "./list-refs";
import { readWorkspaceFiles } from "./read-workspace-files";

/** What the build form offers for a workspace: its refs and the versions a build would produce. */
export async function describeWorkspaceRefs(id: number) {
  const workspace = getWorkspace(id);
  const [refs, files, originHead] = await Promise.all([
    listRefs(workspace.path),
    readWorkspaceFiles(workspace.path),
    gitOrNull(workspace.path, ["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"]),
  ]);
  return {
    workspace: { id: workspace.id, name: workspace.name, kind: workspace.kind },
    ...refs,
    /** What the build form starts with: a remote's default branch, a checkout's current one. */
    defaultBranch: workspace.kind === "remote" && workspace.defaultBranch ? workspace.defaultBranch : pickDefaultBranch(refs, originHead?.trim() ?? null),
    moduleVersion: files.moduleVersion,
    released: files.released,
    releasedModuleVersions: files.releasedModuleVersions,
    kernelVersions: files.kernelVersions?.length ?? 0,
  };
}
