import "server-only";
import fs from "node:fs";
import { recordAudit } from "@/lib/auth/audit";
import { getDb, type Db } from "@/lib/db/client";
import { forgetEngineWork } from "@/lib/builds/engine-work";
import { forgetLogPages } from "@/lib/builds/shared-log-pages";
import { buildCheckoutDir } from "@/lib/workspace/workspace-dirs";
import { auditCutoff, planPrune, type PrunePlan } from "./plan-prune";
import { getRetentionSettings } from "./retention-store";

// Every table that holds a build's rows (lib/db/schema.ts): they go with the build, in one transaction.
const BUILD_TABLES = ["log_lines", "steps", "stages", "tasks", "build_bundles"] as const;
const CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

function deleteWhereIn(db: Db, table: string, column: string, ids: number[]) {
  for (const part of chunks(ids)) db.$client.prepare(`delete from ${table} where ${column} in (${part.map(() => "?").join(",")})`).run(...part);
}

/**
 * Applies the retention policy: plans and deletes in one transaction (a
 * build, its shards and every row of theirs, or nothing), then removes the
 * builds' files, and records the prune in the audit log. With `dryRun` it
 * only plans. Returns the plan.
 */
export function pruneRecords(options: { dryRun: boolean; actor: string; db?: Db; now?: number; /** The schedule: no audit row for a prune that removed nothing. */ quietWhenEmpty?: boolean }): PrunePlan {
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const plan = db.$client.transaction(() => {
    const planned = planPrune(db, getRetentionSettings(db), now);
    if (options.dryRun) return planned;
    const shardIds = planned.builds.flatMap((b) => b.shards);
    const parentIds = planned.builds.map((b) => b.id);
    const buildIds = [...shardIds, ...parentIds];
    for (const table of BUILD_TABLES) deleteWhereIn(db, table, "build_id", buildIds);
    deleteWhereIn(db, "builds", "id", shardIds);
    deleteWhereIn(db, "builds", "id", parentIds);
    deleteWhereIn(db, "log_lines", "build_id", planned.logs.map((l) => l.buildId));
    // A shard's log goes with its build's.
    const logShards = planned.logs.length ? (db.$client.prepare(`select id from builds where parent_id in (${planned.logs.map(() => "?").join(",")})`).all(...planned.logs.map((l) => l.buildId)) as { id: number }[]).map((r) => r.id) : [];
    deleteWhereIn(db, "log_lines", "build_id", logShards);
    deleteWhereIn(db, "failures", "image_id", planned.failures.map((f) => f.imageId));
    const imageIds = planned.images.map((i) => i.id);
    for (const table of ["drivers", "failures"]) deleteWhereIn(db, table, "image_id", imageIds);
    deleteWhereIn(db, "images", "id", imageIds);
    const cut = auditCutoff(db, getRetentionSettings(db).default.audit, now);
    if (cut !== null) db.$client.prepare("delete from audit_log where id <= ?").run(cut);
    return planned;
  })();
  if (options.dryRun) return plan;
  // After the commit: a failure here leaves a file behind, never a row without its build.
  forgetLogPages([...plan.builds.flatMap((b) => [b.id, ...b.shards]), ...plan.logs.map((l) => l.buildId)]);
  for (const id of plan.builds.flatMap((b) => [b.id, ...b.shards])) {
    fs.rmSync(buildCheckoutDir(id), { recursive: true, force: true });
    forgetEngineWork(id);
  }
  const t = plan.totals;
  if (options.quietWhenEmpty && t.builds + t.logLines + t.failures + t.images + t.auditRows === 0) return plan;
  recordAudit({ actor: options.actor, action: "prune retention", target: describePrune(plan) }, db);
  return plan;
}

/** The audit log's line for a prune: counts, and the builds and images by id. */
export function describePrune(plan: PrunePlan): string {
  const t = plan.totals;
  const ids = (list: number[]) => (list.length > 40 ? `${list.slice(0, 40).join(", ")} and ${list.length - 40} more` : list.join(", "));
  const parts = [
    `${t.builds} build(s)${plan.builds.length ? ` (${ids(plan.builds.map((b) => b.id))})` : ""}`,
    `${t.logLines} log line(s), ${t.logBytes} bytes`,
    `${t.failures} failure log(s)`,
    `${t.images} image record(s)${plan.images.length ? ` (${ids(plan.images.map((i) => i.id))})` : ""}`,
    `${t.auditRows} audit row(s)`,
  ];
  return parts.join("; ");
}
