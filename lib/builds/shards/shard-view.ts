import "server-only";
import { asc, eq, inArray } from "drizzle-orm";
import { buildOptionsView } from "@/lib/build-options";
import type { Db } from "@/lib/db/client";
import { builds, engines, stages } from "@/lib/db/schema";

// Only what has ended has a duration here: a lane's state must not change with the clock, or every
// reader of the build's live events would be sent a new state at once, without end (the page counts
// a running attempt's time itself, from its start).
const duration = (from: Date | null, to: Date | null) => (from && to ? to.getTime() - from.getTime() : null);

/**
 * The shards of a sharded build as its page shows them: one lane per shard,
 * each with its attempts in order (a retried shard has several), every
 * attempt with its engine, status, progress and stages.
 */
export function shardLanes(db: Db, parentId: number) {
  const rows = db
    .select({ build: builds, engine: { id: engines.id, name: engines.name } })
    .from(builds)
    .leftJoin(engines, eq(engines.id, builds.engineId))
    .where(eq(builds.parentId, parentId))
    .orderBy(asc(builds.shard), asc(builds.attempt))
    .all();
  if (rows.length === 0) return [];
  const stageRows = db
    .select()
    .from(stages)
    .where(inArray(stages.buildId, rows.map((r) => r.build.id)))
    .orderBy(asc(stages.position))
    .all();
  const lanes = new Map<number, { index: number; kernels: number; attempts: ReturnType<typeof attemptOf>[] }>();
  function attemptOf(r: (typeof rows)[number]) {
    const b = r.build;
    return {
      buildId: b.id,
      attempt: b.attempt ?? 1,
      engine: r.engine?.id ? r.engine : null,
      status: b.status,
      error: b.error,
      plan: { planned: b.plannedTasks, done: b.doneTasks, builders: b.progress },
      startedAt: b.startedAt,
      finishedAt: b.finishedAt,
      durationMs: duration(b.startedAt, b.finishedAt),
      stages: stageRows
        .filter((s) => s.buildId === b.id)
        .map((s) => ({ name: s.name, status: s.status, startedAt: s.startedAt, finishedAt: s.finishedAt, durationMs: s.finishedAt ? duration(s.startedAt, s.finishedAt) : null })),
    };
  }
  for (const r of rows) {
    const index = r.build.shard ?? 0;
    const lane = lanes.get(index) ?? { index, kernels: 0, attempts: [] };
    lane.kernels = (buildOptionsView(r.build.options).bundleIds ?? []).length;
    lane.attempts.push(attemptOf(r));
    lanes.set(index, lane);
  }
  return [...lanes.values()];
}

export type ShardLane = ReturnType<typeof shardLanes>[number];
