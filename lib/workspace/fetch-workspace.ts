import "server-only";
import { eq } from "drizzle-orm";
import { type Db, getDb } from "@/lib/db/client";
import { workspaces } from "@/lib/db/schema";
import { ApiError } from "@/lib/http/api-error";
import type { Workspace } from "./register-workspace";
import { syncClone } from "./sync-clone";
import { withWorkspaceLock } from "./workspace-lock";

/**
 * Fetches a remote workspace (on "fetch now", and before each build of it)
 * and records when, with the default branch or the reason it failed. A path
 * workspace is the checkout as its owner left it: kobuild never fetches it.
 */
export async function fetchWorkspace(workspace: Workspace, { signal, db = getDb() }: { signal?: AbortSignal; db?: Db } = {}): Promise<Workspace> {
  if (workspace.kind !== "remote" || !workspace.url) {
    throw new ApiError("conflict", `the workspace ${workspace.name} is a checkout on this machine, not a remote: kobuild builds it as it is and never fetches it`);
  }
  return withWorkspaceLock(workspace.id, () => fetchLocked(workspace, { signal, db }));
}

/** The same, for a caller that already holds the workspace's lock. */
export async function fetchLocked(workspace: Workspace, { signal, db = getDb() }: { signal?: AbortSignal; db?: Db } = {}): Promise<Workspace> {
  try {
    const { defaultBranch } = await syncClone(workspace.path, workspace.url!, signal);
    return db.update(workspaces).set({ defaultBranch, lastFetchAt: new Date(), lastFetchError: null }).where(eq(workspaces.id, workspace.id)).returning().get() ?? workspace;
  } catch (error) {
    // A cancelled build's fetch says nothing about the remote.
    if (!signal?.aborted) {
      const reason = error instanceof Error ? error.message : String(error);
      db.update(workspaces).set({ lastFetchAt: new Date(), lastFetchError: reason }).where(eq(workspaces.id, workspace.id)).run();
    }
    throw error;
  }
}
