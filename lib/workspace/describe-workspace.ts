import "server-only";
import { and, inArray, sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { builds } from "@/lib/db/schema";
import { workspaceDefaultBranch } from "./default-branch";
import { getWorkspace } from "./get-workspace";
import { listWorkspaces } from "./list-workspaces";
import type { Workspace } from "./workspace-types";
import { ACTIVE_BUILD_STATUSES } from "@/lib/vocabulary";

/** What the API and Settings show of a workspace. */
export type WorkspaceView = {
  id: number;
  name: string;
  kind: Workspace["kind"];
  /** A remote's URL (never with a password); null for a checkout on this machine. */
  url: string | null;
  /** The checkout on this machine, or kobuild's clone of the remote. */
  path: string;
  dockerfile: string;
  network: Workspace["network"];
  /** What a build builds unless told otherwise; null when the repository has no branch. */
  defaultBranch: string | null;
  /** A remote's last fetch: when, and why it failed (null when it worked). */
  lastFetch: { at: string; error: string | null } | null;
  /** Builds of it queued or running: it cannot be removed while there are any. */
  activeBuilds: number;
  createdAt: string;
};

export async function describeWorkspaces(): Promise<WorkspaceView[]> {
  const active = activeBuildCounts();
  return Promise.all(listWorkspaces().map((w) => workspaceView(w, active.get(w.id) ?? 0)));
}

export async function describeWorkspace(id: number): Promise<WorkspaceView> {
  const workspace = getWorkspace(id);
  return workspaceView(workspace, activeBuildCounts().get(id) ?? 0);
}

export async function workspaceView(w: Workspace, activeBuilds = activeBuildCounts().get(w.id) ?? 0): Promise<WorkspaceView> {
  // A checkout whose owner broke it still lists: the build says what is wrong.
  const defaultBranch = await workspaceDefaultBranch(w).catch(() => null);
  return {
    id: w.id,
    name: w.name,
    kind: w.kind,
    url: w.url,
    path: w.path,
    dockerfile: w.dockerfile,
    network: w.network,
    defaultBranch,
    lastFetch: w.lastFetchAt ? { at: w.lastFetchAt.toISOString(), error: w.lastFetchError } : null,
    activeBuilds,
    createdAt: w.createdAt.toISOString(),
  };
}

function activeBuildCounts(): Map<number, number> {
  const rows = getDb()
    .select({ workspaceId: builds.workspaceId, n: sql<number>`count(*)` })
    .from(builds)
    .where(and(inArray(builds.status, [...ACTIVE_BUILD_STATUSES]), sql`${builds.workspaceId} IS NOT NULL`))
    .groupBy(builds.workspaceId)
    .all();
  return new Map(rows.map((r) => [r.workspaceId!, r.n]));
}

