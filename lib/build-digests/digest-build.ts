import "server-only";
import { eq } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { buildCoverageCounts, buildDigests, builds, failures } from "@/lib/db/schema";
import { CELL_STATES, cellIndex, countCells, type Coverage } from "@/lib/coverage/coverage-model";
import { signMissing } from "@/lib/coverage/list-failures";
import { loadBuildCoverage } from "@/lib/coverage/load-coverage";
import { recordFailureGroups, type BuildFailure } from "./record-failure-groups";
import { type Flavour } from "@/lib/vocabulary";

// When a driver build ends, what its grid counted is kept (per module
// version and flavour) and its failures are folded into the workspace's
// failure groups, once: trends and failure history then read a few rows per
// build instead of assembling every build's grid again.

import { ENDED_BUILD_STATUSES as ENDED_STATUSES } from "@/lib/vocabulary";
import { log } from "@/lib/log/logger";

export { ENDED_STATUSES };
const ENDED = new Set<string>(ENDED_STATUSES);
// A missing task was planned but never settled: it says nothing of whether a failure is gone.
const SETTLED = new Set(["built", "failed", "unavailable"].map((s) => CELL_STATES.indexOf(s as (typeof CELL_STATES)[number])));

/** Whether a build of this shape is digested: a finished top-level driver build. */
export function isDigestible(build: Pick<typeof builds.$inferSelect, "kind" | "parentId" | "status">) {
  return build.kind === "drivers" && build.parentId === null && ENDED.has(build.status);
}

/** Digests a finished driver build; false when it is not one or was digested before. */
export function digestBuild(buildId: number, db: Db = getDb()): boolean {
  const build = db.select().from(builds).where(eq(builds.id, buildId)).get();
  if (!build || !isDigestible(build)) return false;
  if (db.select({ id: buildDigests.buildId }).from(buildDigests).where(eq(buildDigests.buildId, buildId)).get()) return false;
  if (build.imageId === null) {
    db.insert(buildDigests).values({ buildId, hasImage: false, kernels: 0 }).onConflictDoNothing().run();
    return true;
  }
  signMissing(db, build.imageId);
  const { coverage } = loadBuildCoverage(buildId, db);
  const { perModuleVersion } = countCells(coverage);
  const failed = failuresOfGrid(db, build.imageId, coverage);
  db.transaction((tx) => {
    tx.insert(buildDigests).values({ buildId, hasImage: true, kernels: coverage.kernels.length }).run();
    // Counts left by an earlier digest that was removed (the digest is remade whole).
    tx.delete(buildCoverageCounts).where(eq(buildCoverageCounts.buildId, buildId)).run();
    for (const column of perModuleVersion) {
      for (const flavour of ["mod", "bpf"] as const) {
        tx.insert(buildCoverageCounts).values({ buildId, moduleVersion: column.moduleVersion, flavour, ...column[flavour] }).run();
      }
    }
    if (build.workspaceId !== null) {
      recordFailureGroups(tx, { workspaceId: build.workspaceId, build: { id: build.id, seenAt: build.finishedAt ?? build.createdAt }, failures: failed, planned: plannedBy(coverage) });
    }
  });
  return true;
}

/**
 * Called once a build has ended: a digest that fails must not change how the
 * build ended, so it is logged; the next read of trends tries it again.
 */
export function digestFinishedBuild(buildId: number) {
  try {
    digestBuild(buildId);
  } catch (error) {
    log().error({ buildId, err: error }, "could not count the build for trends and failure groups");
  }
}

/** The failure logs behind the grid's failed cells (a driver or a blocklisted task beside a log is no failure of the build). */
function failuresOfGrid(db: Db, imageId: number, coverage: Coverage): BuildFailure[] {
  const ids = new Set(coverage.failureIds.values());
  if (ids.size === 0) return [];
  const rows = db
    .select({ id: failures.id, kernel: failures.kernel, moduleVersion: failures.moduleVersion, flavour: failures.flavour, signature: failures.signature })
    .from(failures)
    .where(eq(failures.imageId, imageId))
    .all();
  return rows.filter((f) => ids.has(f.id));
}

/** Tasks the build ran to an end itself: built, failed or unavailable in its grid (not cached, blocklisted, missing or unplanned). */
function plannedBy(coverage: Coverage) {
  const kernelAt = new Map(coverage.kernels.map((k, i) => [k.name, i]));
  const versionAt = new Map(coverage.moduleVersions.map((v, i) => [v, i]));
  return (kernel: string, moduleVersion: string, flavour: Flavour) => {
    const k = kernelAt.get(kernel);
    const m = versionAt.get(moduleVersion);
    if (k === undefined || m === undefined) return false;
    return SETTLED.has(coverage.cells[cellIndex(coverage.moduleVersions.length, k, m, flavour)]!);
  };
}

