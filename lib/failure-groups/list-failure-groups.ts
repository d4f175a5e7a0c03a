import "server-only";
import { and, desc, eq, gte, inArray, max } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { buildDigests, builds, failureGroupNotes, failureGroups, workspaces } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import { ensureDigests } from "@/lib/build-digests/backfill-digests";
import { compareGroups, groupState, type GroupState } from "./group-state";

/** The latest digested build of a workspace that made an image: the one "new" is measured against. */
export function latestDigestedBuild(workspaceId: number, db: Db = getDb()): number | null {
  return (
    db
      .select({ id: max(builds.id) })
      .from(builds)
      .innerJoin(buildDigests, eq(buildDigests.buildId, builds.id))
      .where(and(eq(builds.workspaceId, workspaceId), eq(buildDigests.hasImage, true)))
      .get()?.id ?? null
  );
}

/** The latest note of each group: who acknowledged it, who owns it, what they found. */
export function latestNotes(groupIds: number[], db: Db = getDb()) {
  if (groupIds.length === 0) return new Map<number, typeof failureGroupNotes.$inferSelect>();
  const newest = db
    .select({ id: max(failureGroupNotes.id) })
    .from(failureGroupNotes)
    .where(inArray(failureGroupNotes.groupId, groupIds))
    .groupBy(failureGroupNotes.groupId)
    .all()
    .map((r) => r.id!);
  if (newest.length === 0) return new Map();
  return new Map(db.select().from(failureGroupNotes).where(inArray(failureGroupNotes.id, newest)).all().map((n) => [n.groupId, n]));
}

export type FailureGroupRow = typeof failureGroups.$inferSelect;

/** A group record as the API answers it. */
export function describeGroup(g: FailureGroupRow, latestBuildId: number | null, note: typeof failureGroupNotes.$inferSelect | undefined) {
  return {
    id: g.id,
    workspaceId: g.workspaceId,
    signature: g.signature === "" ? null : g.signature,
    state: groupState(g, latestBuildId) as GroupState,
    firstSeen: { buildId: g.firstBuildId, at: g.firstSeenAt },
    lastSeen: { buildId: g.lastBuildId, at: g.lastSeenAt },
    /** The latest build that planned its tasks and had none fail this way. */
    lastClear: g.lastClearBuildId === null ? null : { buildId: g.lastClearBuildId, at: g.lastClearAt },
    builds: g.builds,
    kernels: g.kernels,
    acknowledgement: note ? { by: note.author, owner: note.owner, note: note.note, at: note.at } : null,
    lastBuildId: g.lastBuildId,
  };
}

export type FailureGroupView = ReturnType<typeof describeGroup>;

/** A workspace's failure groups, new first, then ongoing, then fixed; `state` keeps one of them. */
export async function listFailureGroups(query: { workspaceId: number; state?: GroupState; since?: Date }, db: Db = getDb()) {
  const workspace = db.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).where(eq(workspaces.id, query.workspaceId)).get();
  if (!workspace) throw new DomainError("not_found", `no workspace with id ${query.workspaceId}`);
  await ensureDigests(db);
  const latestBuildId = latestDigestedBuild(workspace.id, db);
  const rows = db
    .select()
    .from(failureGroups)
    .where(and(eq(failureGroups.workspaceId, workspace.id), query.since ? gte(failureGroups.firstSeenAt, query.since) : undefined))
    .orderBy(desc(failureGroups.lastBuildId))
    .all();
  const notes = latestNotes(rows.map((g) => g.id), db);
  const all = rows.map((g) => describeGroup(g, latestBuildId, notes.get(g.id)));
  const counts = { new: 0, ongoing: 0, fixed: 0 } satisfies Record<GroupState, number>;
  for (const g of all) counts[g.state]++;
  const groups = all.filter((g) => !query.state || g.state === query.state).sort(compareGroups);
  return { workspace, latestBuildId, counts, groups };
}

export type FailureGroupsView = Awaited<ReturnType<typeof listFailureGroups>>;
