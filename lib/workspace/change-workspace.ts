import "server-only";
import fs from "node:fs/promises";
import { and, eq, inArray } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { builds, workspaces } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import { checkDockerfile } from "./check-dockerfile";
import { getWorkspace } from "./get-workspace";
import type { Workspace, WorkspaceNetwork } from "./workspace-types";
import { isOwnClone } from "./workspace-dirs";
import { withWorkspaceLock } from "./workspace-lock";
import { ACTIVE_BUILD_STATUSES } from "@/lib/vocabulary";

/** Changes the Dockerfile (which must exist in the checkout, or on a remote's default branch) or the builds' network. */
export async function updateWorkspace(id: number, body: { dockerfile?: string; network?: WorkspaceNetwork }): Promise<Workspace> {
  const workspace = getWorkspace(id);
  if (body.dockerfile !== undefined) await checkDockerfile(workspace.path, body.dockerfile);
  return getDb()
    .update(workspaces)
    .set({ ...(body.dockerfile !== undefined ? { dockerfile: body.dockerfile } : {}), ...(body.network !== undefined ? { network: body.network } : {}) })
    .where(eq(workspaces.id, id))
    .returning()
    .get()!;
}

/**
 * Removes a workspace that has no build queued or running. Its finished builds
 * keep their history and its name (the foreign key would forbid removing a
 * row they point to), in one transaction; a remote's clone is deleted, a
 * checkout on this machine is never touched.
 */
export async function removeWorkspace(id: number): Promise<Workspace> {
  const workspace = getWorkspace(id);
  getDb().transaction((tx) => {
    const active = tx
      .select({ id: builds.id, status: builds.status })
      .from(builds)
      .where(and(eq(builds.workspaceId, id), inArray(builds.status, [...ACTIVE_BUILD_STATUSES])))
      .orderBy(builds.id)
      .all();
    if (active.length > 0) {
      const named = active.map((b) => `#${b.id} (${b.status})`).join(", ");
      throw new DomainError("conflict", `the workspace ${workspace.name} has builds queued or running: ${named}; cancel them or wait until they end`);
    }
    tx.update(builds).set({ workspaceName: workspace.name, workspaceId: null }).where(eq(builds.workspaceId, id)).run();
    tx.delete(workspaces).where(eq(workspaces.id, id)).run();
  });
  if (workspace.kind === "remote" && isOwnClone(workspace.path)) {
    // After any fetch of it has ended.
    await withWorkspaceLock(id, () => fs.rm(workspace.path, { recursive: true, force: true }));
  }
  return workspace;
}
