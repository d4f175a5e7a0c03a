import "server-only";
import { getWorkspace } from "./get-workspace";
import { listRefs } from "./list-refs";
import { readWorkspaceFiles } from "./read-workspace-files";

/** What the build form offers for a workspace: its refs and the versions a build would produce. */
export async function describeWorkspaceRefs(id: number) {
  const workspace = getWorkspace(id);
  const [refs, files] = await Promise.all([listRefs(workspace.path), readWorkspaceFiles(workspace.path)]);
  return {
    workspace: { id: workspace.id, name: workspace.name },
    ...refs,
    moduleVersion: files.moduleVersion,
    released: files.released,
    releasedModuleVersions: files.releasedModuleVersions,
    kernelVersions: files.kernelVersions?.length ?? 0,
  };
}
