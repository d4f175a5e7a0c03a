import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { builds, failureGroupCells, failureGroups, workspaces } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { emitEvent } from "./emit-event";

// What hooks hear of a build that ended (called by the runner of every build
// kind, lib/build-kinds, once the outcome and the build's digest are stored):
// `build.failed` for a failed top-level build of any kind (a shard's failure
// is told by its sharded build), and `failures.new` for the failure
// signatures a driver build's image brought that its workspace never had.

/** The build's page, at the address people reach the dashboard by. */
export const buildPageUrl = (buildId: number) => `${env().publicUrl}/builds/${buildId}`;

export function notifyBuildEnded(buildId: number) {
  const db = getDb();
  const row = db
    .select({ build: builds, workspaceName: workspaces.name })
    .from(builds)
    .leftJoin(workspaces, eq(workspaces.id, builds.workspaceId))
    .where(eq(builds.id, buildId))
    .get();
  if (!row || row.build.parentId !== null) return;
  const { build } = row;
  const about = { buildId, kind: build.kind, workspace: row.workspaceName ?? build.workspaceName, branch: build.branch, commit: build.commit, url: buildPageUrl(buildId) };
  if (build.status === "failed") emitEvent("build.failed", { ...about, error: build.error, failedStep: build.failedStep }, build.finishedAt ?? new Date());
  if (build.kind === "drivers" && build.workspaceId !== null && build.imageId !== null) {
    const groups = newFailureGroups(build.workspaceId, buildId);
    if (groups.length > 0) emitEvent("failures.new", { ...about, status: build.status, groups }, build.finishedAt ?? new Date());
  }
}

/** The workspace's failure groups this build saw first, each with the kernels it hit there. */
function newFailureGroups(workspaceId: number, buildId: number) {
  const db = getDb();
  const groups = db
    .select({ id: failureGroups.id, signature: failureGroups.signature })
    .from(failureGroups)
    .where(and(eq(failureGroups.workspaceId, workspaceId), eq(failureGroups.firstBuildId, buildId)))
    .orderBy(failureGroups.id)
    .all();
  if (groups.length === 0) return [];
  const cells = db
    .selectDistinct({ groupId: failureGroupCells.groupId, kernel: failureGroupCells.kernel })
    .from(failureGroupCells)
    .where(and(inArray(failureGroupCells.groupId, groups.map((g) => g.id)), eq(failureGroupCells.firstBuildId, buildId)))
    .orderBy(failureGroupCells.kernel)
    .all();
  return groups.map((g) => ({ groupId: g.id, signature: g.signature, kernels: cells.filter((c) => c.groupId === g.id).map((c) => c.kernel) }));
}
