import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { failureGroupCells, failureGroupHits, failureGroups } from "@/lib/db/schema";
import { type Flavour } from "@/lib/vocabulary";

// Folds one finished build's failures into its workspace's failure groups:
// every signature it hit gets a sighting (and a record, the first time), and
// every other group whose tasks the build planned is cleared by it.

export type BuildFailure = { id: number; kernel: string; moduleVersion: string; flavour: Flavour; signature: string | null };

export type FailureFold = {
  workspaceId: number;
  build: { id: number; seenAt: Date };
  /** The build's failed cells with a log, as its grid has them. */
  failures: readonly BuildFailure[];
  /** Whether the build itself planned this task (not taken from its cache, not blocklisted). */
  planned: (kernel: string, moduleVersion: string, flavour: Flavour) => boolean;
};

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export function recordFailureGroups(tx: Tx | Db, fold: FailureFold) {
  const { workspaceId, build } = fold;
  const bySignature = new Map<string, BuildFailure[]>();
  for (const f of fold.failures) {
    const key = f.signature ?? "";
    const list = bySignature.get(key);
    if (list) list.push(f);
    else bySignature.set(key, [f]);
  }
  const existing = new Map(
    tx
      .select({ id: failureGroups.id, signature: failureGroups.signature, firstBuildId: failureGroups.firstBuildId, lastBuildId: failureGroups.lastBuildId, lastClearBuildId: failureGroups.lastClearBuildId })
      .from(failureGroups)
      .where(eq(failureGroups.workspaceId, workspaceId))
      .all()
      .map((g) => [g.signature, g]),
  );

  const upsertCell = tx
    .insert(failureGroupCells)
    .values({
      groupId: sql.placeholder("groupId"),
      kernel: sql.placeholder("kernel"),
      moduleVersion: sql.placeholder("moduleVersion"),
      flavour: sql.placeholder("flavour"),
      firstBuildId: build.id,
      lastBuildId: build.id,
    })
    .onConflictDoUpdate({
      target: [failureGroupCells.groupId, failureGroupCells.kernel, failureGroupCells.moduleVersion, failureGroupCells.flavour],
      set: { firstBuildId: sql`min(${failureGroupCells.firstBuildId}, excluded.first_build_id)`, lastBuildId: sql`max(${failureGroupCells.lastBuildId}, excluded.last_build_id)` },
    })
    .prepare();

  for (const [signature, list] of bySignature) {
    const known = existing.get(signature);
    let groupId: number;
    if (!known) {
      groupId = tx
        .insert(failureGroups)
        .values({ workspaceId, signature, firstBuildId: build.id, firstSeenAt: build.seenAt, lastBuildId: build.id, lastSeenAt: build.seenAt })
        .returning({ id: failureGroups.id })
        .get().id;
    } else {
      groupId = known.id;
      // A build that ends after a later one (two engines) still counts in its place.
      const change: Partial<typeof failureGroups.$inferInsert> = {};
      if (build.id < known.firstBuildId) Object.assign(change, { firstBuildId: build.id, firstSeenAt: build.seenAt });
      if (build.id > known.lastBuildId) Object.assign(change, { lastBuildId: build.id, lastSeenAt: build.seenAt });
      if (Object.keys(change).length > 0) tx.update(failureGroups).set(change).where(eq(failureGroups.id, groupId)).run();
    }
    const newest = list.reduce((a, b) => (b.id > a.id ? b : a));
    tx.insert(failureGroupHits)
      .values({ groupId, buildId: build.id, failures: list.length, kernels: new Set(list.map((f) => f.kernel)).size, exampleFailureId: newest.id })
      .onConflictDoNothing()
      .run();
    for (const f of list) upsertCell.run({ groupId, kernel: f.kernel, moduleVersion: f.moduleVersion, flavour: f.flavour });
    tx.update(failureGroups)
      .set({
        builds: sql`(SELECT count(*) FROM ${failureGroupHits} WHERE ${failureGroupHits.groupId} = ${groupId})`,
        kernels: sql`(SELECT count(DISTINCT ${failureGroupCells.kernel}) FROM ${failureGroupCells} WHERE ${failureGroupCells.groupId} = ${groupId})`,
      })
      .where(eq(failureGroups.id, groupId))
      .run();
  }

  // The other groups: cleared when this build planned one of their tasks and it did not fail this way.
  const others = [...existing.values()].filter((g) => !bySignature.has(g.signature) && (g.lastClearBuildId ?? 0) < build.id);
  if (others.length === 0) return;
  const cleared = new Set<number>();
  for (const c of tx
    .select({ groupId: failureGroupCells.groupId, kernel: failureGroupCells.kernel, moduleVersion: failureGroupCells.moduleVersion, flavour: failureGroupCells.flavour })
    .from(failureGroupCells)
    .where(inArray(failureGroupCells.groupId, others.map((g) => g.id)))
    .all()) {
    if (!cleared.has(c.groupId) && fold.planned(c.kernel, c.moduleVersion, c.flavour)) cleared.add(c.groupId);
  }
  for (const id of cleared) {
    tx.update(failureGroups)
      .set({ lastClearBuildId: build.id, lastClearAt: build.seenAt })
      .where(and(eq(failureGroups.id, id), sql`coalesce(${failureGroups.lastClearBuildId}, 0) < ${build.id}`))
      .run();
  }
}
