import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { metrics } from "@/lib/metrics/metrics";
import { stages, steps } from "@/lib/db/schema";
import { parseVertexName } from "@/lib/docker/progress/parse-vertex-name";
import type { BuildEvent } from "@/lib/docker/progress/events";
import { stageStatusOf, type StageStatus } from "./stage-status";

type Step = { key: string; stage: string | null; name: string; status: StageStatus; index?: number; total?: number; startedAt?: number; finishedAt?: number; error?: string };

/** Keeps the steps and stages of one build in the database as the engine reports them. */
export class StageTracker {
  private readonly steps = new Map<string, Step>();
  private readonly stageNames: string[];
  // Prepared once: every step event of the engine's progress runs both.
  private readonly upsertStep;
  private readonly updateStageRow;

  constructor(
    private readonly db: Db,
    private readonly buildId: number,
    declaredStages: string[],
  ) {
    this.stageNames = [...declaredStages];
    const value = (name: string) => sql.placeholder(name);
    // Times go to the driver as they are stored (ms, or null): a column's own encoder would take Dates and refuse null.
    const rawTime = (name: string) => sql`${sql.placeholder(name)}`;
    this.upsertStep = db
      .insert(steps)
      .values({ buildId, stage: value("stage"), key: value("key"), name: value("name"), status: value("status"), error: value("error"), startedAt: rawTime("startedAt"), finishedAt: rawTime("finishedAt") })
      .onConflictDoUpdate({
        target: [steps.buildId, steps.key],
        set: { status: sql`excluded.status`, name: sql`excluded.name`, error: sql`excluded.error`, startedAt: sql`excluded.started_at`, finishedAt: sql`excluded.finished_at` },
      })
      .prepare();
    this.updateStageRow = db
      .update(stages)
      .set({ status: value("status") as unknown as StageStatus, startedAt: rawTime("startedAt"), finishedAt: rawTime("finishedAt") })
      .where(and(eq(stages.buildId, buildId), eq(stages.name, value("name"))))
      .prepare();
    db.transaction((tx) => {
      this.stageNames.forEach((name, position) =>
        tx.insert(stages).values({ buildId, name, position }).onConflictDoNothing().run(),
      );
    });
  }

  private readonly stageStatus = new Map<string, StageStatus>();
  private readonly timed = new Set<string>();
  /** What each stage's row holds, as last written: a step event that changes none of it writes nothing. */
  private readonly stageRows = new Map<string, string>();
  /** How many times a stage's row was written: what a follower of the build sees of its steps. */
  stageWrites = 0;

  /** Applies a step event; returns the step's stage and its status when that status changed. */
  apply(event: Extract<BuildEvent, { type: "step" }>): { stage: string; status: StageStatus } | null {
    const previous = this.steps.get(event.key);
    // Only BuildKit's `[stage i/n]` counts steps per stage; the classic `Step i/n` counts the whole file.
    const parsed = parseVertexName(event.name);
    const perStage = parsed.stage !== null;
    const step: Step = {
      key: event.key,
      stage: event.stage,
      name: event.name,
      // A FROM of an image the engine already holds does no work; BuildKit marks it
      // cached in one build and "done in 0 ms" in the next. It counts as cached.
      status: event.status === "done" && /^\[[^\]]+\] FROM /.test(event.name) ? "cached" : event.status,
      index: perStage ? parsed.index : undefined,
      total: perStage ? parsed.total : undefined,
      startedAt: event.startedAt ?? previous?.startedAt,
      finishedAt: event.finishedAt ?? previous?.finishedAt,
      error: event.error,
    };
    this.steps.set(event.key, step);
    this.upsertStep.run({
      stage: step.stage,
      key: step.key,
      name: step.name,
      status: step.status,
      error: step.error ?? null,
      startedAt: step.startedAt ?? null,
      finishedAt: step.finishedAt ?? null,
    });
    if (!step.stage) return null;
    const status = this.updateStage(step.stage);
    if (this.stageStatus.get(step.stage) === status) return null;
    this.stageStatus.set(step.stage, status);
    return { stage: step.stage, status };
  }

  private updateStage(name: string): StageStatus {
    if (!this.stageNames.includes(name)) {
      this.stageNames.push(name);
      this.db.insert(stages).values({ buildId: this.buildId, name, position: this.stageNames.length - 1 }).onConflictDoNothing().run();
    }
    const own = [...this.steps.values()].filter((s) => s.stage === name);
    const started = own.map((s) => s.startedAt).filter((t): t is number => t !== undefined);
    const finished = own.map((s) => s.finishedAt).filter((t): t is number => t !== undefined);
    const status = stageStatusOf(own);
    const over = status === "done" || status === "cached" || status === "failed" || status === "cancelled";
    // A stage is timed once, when it first ends (a later step event may touch it again).
    if (over && started.length && finished.length && !this.timed.has(name)) {
      this.timed.add(name);
      metrics().stageDuration.observe({ status }, Math.max(0, Math.max(...finished) - Math.min(...started)) / 1000);
    }
    const row = { name, status, startedAt: started.length ? Math.min(...started) : null, finishedAt: over && finished.length ? Math.max(...finished) : null };
    const written = `${row.status} ${row.startedAt} ${row.finishedAt}`;
    if (this.stageRows.get(name) !== written) {
      this.updateStageRow.run(row);
      this.stageRows.set(name, written);
      this.stageWrites++;
    }
    return status;
  }

  /** The step that failed, for the build's error summary. */
  failedStep(): Step | undefined {
    return [...this.steps.values()].find((s) => s.status === "failed");
  }

  /**
   * At the end: stages that never ran are skipped, those whose steps were
   * announced but never started too when the build failed (BuildKit names
   * every step before the first runs); unfinished ones take the build's fate.
   */
  finish(outcome: "succeeded" | "failed" | "cancelled" | "interrupted") {
    const now = new Date();
    for (const name of this.stageNames) {
      const own = [...this.steps.values()].filter((s) => s.stage === name);
      const status = stageStatusOf(own);
      let final: StageStatus = status;
      if (own.length === 0 || (status === "waiting" && outcome === "failed")) final = "skipped";
      else if (status === "running" || status === "waiting") final = outcome === "succeeded" ? "done" : "cancelled";
      if (final !== status || own.length === 0) {
        this.stageRows.delete(name);
        this.db
          .update(stages)
          .set({ status: final, finishedAt: own.length ? now : null })
          .where(and(eq(stages.buildId, this.buildId), eq(stages.name, name)))
          .run();
      }
    }
  }
}
