import "server-only";
import { desc, eq } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { builds, failureGroupCells, failureGroupHits, failureGroupNotes, failureGroups, workspaces } from "@/lib/db/schema";
import { compareKernels } from "@/lib/coverage/kernel-order";
import { getFailureView } from "@/lib/coverage/list-failures";
import { DomainError } from "@/lib/domain-error";
import { ensureDigests } from "@/lib/build-digests/backfill-digests";
import { compareVersions } from "@/lib/workspace/compare-versions";
import { describeGroup, latestDigestedBuild } from "./list-failure-groups";

function groupRow(id: number, db: Db) {
  const row = db.select().from(failureGroups).where(eq(failureGroups.id, id)).get();
  if (!row) throw new DomainError("not_found", `no failure group with id ${id}`);
  return row;
}

/** Every task the group ever hit, kernels in version order, with the first and last build it failed in. */
export function groupCells(id: number, db: Db = getDb()) {
  return db
    .select({ kernel: failureGroupCells.kernel, moduleVersion: failureGroupCells.moduleVersion, flavour: failureGroupCells.flavour, firstBuildId: failureGroupCells.firstBuildId, lastBuildId: failureGroupCells.lastBuildId })
    .from(failureGroupCells)
    .where(eq(failureGroupCells.groupId, id))
    .all()
    .sort((a, b) => compareKernels(a.kernel, b.kernel) || compareVersions(a.moduleVersion, b.moduleVersion) || a.flavour.localeCompare(b.flavour));
}

/** One failure group: its record and state, the builds it hit, its tasks, one log and the hand-off notes. */
export async function getFailureGroup(id: number, db: Db = getDb()) {
  await ensureDigests(db);
  const row = groupRow(id, db);
  const workspace = db.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).where(eq(workspaces.id, row.workspaceId)).get()!;
  const notes = db.select().from(failureGroupNotes).where(eq(failureGroupNotes.groupId, id)).orderBy(desc(failureGroupNotes.id)).all();
  const group = describeGroup(row, latestDigestedBuild(row.workspaceId, db), notes[0]);
  const history = db
    .select({
      buildId: failureGroupHits.buildId,
      failures: failureGroupHits.failures,
      kernels: failureGroupHits.kernels,
      exampleFailureId: failureGroupHits.exampleFailureId,
      branch: builds.branch,
      status: builds.status,
      createdAt: builds.createdAt,
      finishedAt: builds.finishedAt,
    })
    .from(failureGroupHits)
    .innerJoin(builds, eq(builds.id, failureGroupHits.buildId))
    .where(eq(failureGroupHits.groupId, id))
    .orderBy(desc(failureGroupHits.buildId))
    .all();
  const cells = groupCells(id, db);
  let example: ReturnType<typeof getFailureView> | null = null;
  for (const hit of history) {
    try {
      example = getFailureView(hit.exampleFailureId, db);
      break;
    } catch (error) {
      // The image of that build was forgotten: an older sighting's log will do.
      if (!(error instanceof DomainError) || error.code !== "not_found") throw error;
    }
  }
  return {
    ...group,
    workspace,
    history,
    cells: cells.map((c) => ({ ...c, stillFailing: group.state !== "fixed" && c.lastBuildId === row.lastBuildId })),
    example,
    notes: notes.map((n) => ({ id: n.id, by: n.author, owner: n.owner, note: n.note, at: n.at })),
  };
}

export type FailureGroupDetail = Awaited<ReturnType<typeof getFailureGroup>>;

/** The kernels a group failed on in one build (all its builds when it did not hit that one), for the grid. */
export function groupKernels(id: number, buildId: number | null, db: Db = getDb()): { group: { id: number; signature: string | null }; kernels: string[] } {
  const row = groupRow(id, db);
  const cells = groupCells(id, db);
  const inBuild = buildId === null ? [] : cells.filter((c) => c.firstBuildId <= buildId && c.lastBuildId >= buildId);
  const chosen = inBuild.length > 0 ? inBuild : cells;
  return { group: { id: row.id, signature: row.signature === "" ? null : row.signature }, kernels: [...new Set(chosen.map((c) => c.kernel))] };
}
