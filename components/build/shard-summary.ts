// What the shard lanes say in words: pure, so it is tested on recorded builds.

import type { BuildStatus, ShardAttempt, ShardLane } from "./build-types";
import { isEnded } from "./build-types";

/** The engine an attempt ran on, by name; a shard without one ran on the default engine. */
export const engineName = (attempt: ShardAttempt) => attempt.engine?.name ?? "default";

/** How long an attempt took, or has taken so far while it runs. */
export function attemptDuration(attempt: ShardAttempt, now: number | null): number | null {
  if (!attempt.startedAt) return null;
  if (!isEnded(attempt.status) && now !== null) return now - Date.parse(attempt.startedAt);
  return attempt.durationMs;
}

/** Tasks of an attempt that failed, over its builders. */
export const failedTasks = (attempt: ShardAttempt) => Object.values(attempt.plan.builders).reduce((n, b) => n + b.failed, 0);

/** A lane's progress in words: "4 of 6 tasks, 1 failed", or why there is no count yet. */
export function taskProgressText(attempt: ShardAttempt): string {
  const { planned, done } = attempt.plan;
  if (planned === null) return attempt.status === "queued" ? "waiting for its engine" : attempt.status === "running" ? "planning its tasks…" : "no tasks planned";
  const failed = failedTasks(attempt);
  return `${done} of ${planned} task${planned === 1 ? "" : "s"}${failed > 0 ? `, ${failed} failed` : ""}`;
}

/** The section's one line: how many shards, on how many engines, and where they stand. */
export function shardsSummary(lanes: readonly ShardLane[], statusLabel: (status: BuildStatus) => string): string {
  const current = lanes.map((l) => l.attempts.at(-1)!);
  const engines = new Set(current.map(engineName));
  const byStatus = new Map<BuildStatus, number>();
  for (const a of current) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
  const states = [...byStatus].map(([status, n]) => `${n} ${statusLabel(status).toLowerCase()}`).join(", ");
  const retried = lanes.filter((l) => l.attempts.length > 1).length;
  return (
    `${lanes.length} shard${lanes.length === 1 ? "" : "s"} on ${engines.size === 1 ? `engine ${[...engines][0]}` : `${engines.size} engines`}: ${states}` +
    (retried ? `; ${retried} tried again` : "")
  );
}
