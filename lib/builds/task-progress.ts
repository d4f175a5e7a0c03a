import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { builds, tasks } from "@/lib/db/schema";
import { parseTaskLine } from "@/lib/docker/progress/build-driver-progress";
import { builderForKernel } from "@/lib/bundles/builder-for-kernel";
import { type BuilderProgress, type Flavour } from "@/lib/vocabulary";
import { signalBuildChanged } from "./build-signals";
import { taskKey, type ExplainedPlan } from "./plan/explain-plan";
import { KernelMentions } from "./progress/kernel-mentions";

type TaskRow = Omit<typeof tasks.$inferInsert, "buildId">;
type TaskKey = Pick<TaskRow, "kernel" | "moduleVersion" | "flavour">;
type Result = "built" | "failed" | "unavailable";

const identity = [tasks.buildId, tasks.kernel, tasks.moduleVersion, tasks.flavour];
/** A builder stage of the seed's Dockerfile, and the builder it is. */
const BUILDER_STAGE = /^(rhel-\d+)-builder$/;

/**
 * A build's tasks and its "n of m drivers" per builder, from three sources:
 *   - the plan, read from the build's own /build-tasks (planTasks): exact;
 *   - progress lines builders may print (KOBUILD-TASK, see
 *     lib/docker/progress/build-driver-progress.ts): exact, and live;
 *   - kernel ids in a builder's log (KernelMentions): an estimate, for
 *     builders that print nothing for kobuild, marked as such;
 * and at the end from the image, which settles every task (settle).
 * Rows reach the database in one transaction per batch: a plan has tens of
 * thousands of tasks.
 */
export class TaskProgressTracker {
  private readonly progress: Record<string, BuilderProgress> = {};
  private pending: TaskRow[] = [];
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  /** Builders that print progress lines: for them nothing is estimated. */
  private readonly exactBuilders = new Set<string>();
  private mentions: KernelMentions | null = null;
  /** Once the plan (or a builder's own count) is known, "0 of 0" is an answer, not "no plan yet". */
  private planKnown = false;

  // One prepared upsert for every row: a flush may write tens of thousands.
  // A value left out (null) keeps what the row had.
  private readonly upsert;
  // The plan's and the image's tens of thousands of rows take the cheaper statements where no conflict can
  // arise: an upsert costs about twice a plain insert, and five times an update by id.
  private readonly insert;
  private readonly setState;

  constructor(
    private readonly db: Db,
    private readonly buildId: number,
  ) {
    this.upsert = db
      .insert(tasks)
      .values({
        buildId,
        kernel: sql.placeholder("kernel"),
        moduleVersion: sql.placeholder("moduleVersion"),
        flavour: sql.placeholder("flavour"),
        builder: sql.placeholder("builder"),
        state: sql.placeholder("state"),
        seconds: sql.placeholder("seconds"),
        blocklistFile: sql.placeholder("blocklistFile"),
        blocklistLine: sql.placeholder("blocklistLine"),
        blocklistRule: sql.placeholder("blocklistRule"),
      })
      .onConflictDoUpdate({
        target: identity,
        set: {
          state: sql`excluded.state`,
          seconds: sql`coalesce(excluded.seconds_ms, ${tasks.seconds})`,
          blocklistFile: sql`coalesce(excluded.blocklist_file, ${tasks.blocklistFile})`,
          blocklistLine: sql`coalesce(excluded.blocklist_line, ${tasks.blocklistLine})`,
          blocklistRule: sql`coalesce(excluded.blocklist_rule, ${tasks.blocklistRule})`,
        },
      })
      .prepare();
    this.insert = db
      .insert(tasks)
      .values({
        buildId,
        kernel: sql.placeholder("kernel"),
        moduleVersion: sql.placeholder("moduleVersion"),
        flavour: sql.placeholder("flavour"),
        builder: sql.placeholder("builder"),
        state: sql.placeholder("state"),
        blocklistFile: sql.placeholder("blocklistFile"),
        blocklistLine: sql.placeholder("blocklistLine"),
        blocklistRule: sql.placeholder("blocklistRule"),
      })
      .prepare();
    this.setState = db
      .update(tasks)
      .set({ state: sql.placeholder("state") as unknown as Result })
      .where(eq(tasks.id, sql.placeholder("id")))
      .prepare();
  }

  /** Estimates progress from the kernel ids builders print, for these kernels (the context's), `jobs` at a time. */
  followKernels(kernels: Iterable<string>, jobs: number) {
    this.mentions = new KernelMentions(kernels, jobs);
  }

  /** A line of the build's log, from `stage`. */
  line(text: string, stage: string | null = null) {
    if (text.startsWith("KOBUILD-")) {
      this.progressLine(text);
      return;
    }
    const builder = stage ? BUILDER_STAGE.exec(stage)?.[1] : undefined;
    if (builder && this.mentions && !this.exactBuilders.has(builder) && this.mentions.see(builder, text)) this.estimate(builder);
  }

  private progressLine(text: string) {
    const p = parseTaskLine(text);
    if (!p) return;
    // No builder takes a kernel that does not start with a digit: such a line is no task of this build.
    if (p.kind !== "builder" && !/^[0-9]/.test(p.kernel)) return;
    if (p.kind === "builder") {
      this.exactBuilders.add(p.builder);
      this.counts(p.builder).planned = p.tasks;
      this.counts(p.builder).exact = true;
    } else if (p.kind === "skip") {
      this.pending.push({ ...this.key(p), builder: builderForKernel(p.kernel), state: p.reason === "cache" ? "cached" : "blocklisted" });
    } else if (p.kind === "plan") {
      // Known before any builder starts; the plan read from /build-tasks replaces these counts.
      const builder = builderForKernel(p.kernel);
      this.pending.push({ ...this.key(p), builder, state: "planned" });
      this.counts(builder).planned++;
    } else {
      const builder = builderForKernel(p.kernel);
      this.exactBuilders.add(builder);
      const state = p.kind === "task-start" ? "running" : p.result;
      this.pending.push({ ...this.key(p), builder, state, seconds: p.kind === "task-end" ? Math.round(p.seconds * 1000) : null });
      if (p.kind === "task-end") {
        const c = this.counts(builder);
        c.exact = true;
        c.done++;
        if (p.result === "failed") c.failed++;
      }
    }
    this.changed();
  }

  /**
   * The plan read from the build's /build-tasks: the truth about what is
   * built, cached and blocklisted. A task a progress line already started or
   * ended keeps that state; anything a line claimed that the plan denies is
   * corrected.
   */
  planTasks(plan: ExplainedPlan) {
    this.flush();
    const progressed = new Set(
      this.db
        .select({ kernel: tasks.kernel, moduleVersion: tasks.moduleVersion, flavour: tasks.flavour })
        .from(tasks)
        .where(sql`${tasks.buildId} = ${this.buildId} and ${tasks.state} in ('running', 'built', 'failed', 'unavailable')`)
        .all()
        .map((t) => taskKey(t.kernel, t.moduleVersion, t.flavour)),
    );
    const planned: Record<string, number> = {};
    const fresh: TaskRow[] = [];
    const inserted = new Set<string>();
    for (const t of plan.tasks) {
      if (t.state === "planned") planned[t.builder] = (planned[t.builder] ?? 0) + 1;
      const key = taskKey(t.kernel, t.moduleVersion, t.flavour);
      if (t.state === "planned" && progressed.has(key)) continue;
      const row = {
        kernel: t.kernel,
        moduleVersion: t.moduleVersion,
        flavour: t.flavour,
        builder: t.builder,
        state: t.state,
        blocklistFile: t.rule?.file ?? null,
        blocklistLine: t.rule?.line ?? null,
        blocklistRule: t.rule?.text ?? null,
      };
      // A task a line started keeps its row, which the plan's word updates (as it does a task /build-tasks
      // lists twice); any other has no row once the delete below ran.
      if (progressed.has(key) || inserted.has(key)) this.pending.push(row);
      else {
        inserted.add(key);
        fresh.push(row);
      }
    }
    this.db.transaction(() => {
      // What progress lines claimed about tasks that never ran gives way to the plan.
      this.db.delete(tasks).where(sql`${tasks.buildId} = ${this.buildId} and ${tasks.state} in ('planned', 'cached', 'blocklisted')`).run();
      for (const row of fresh) this.insert.run(row);
    });
    this.planKnown = true;
    for (const [builder, n] of Object.entries(planned)) this.counts(builder).planned = n;
    for (const builder of Object.keys(this.progress)) if (!(builder in planned)) this.counts(builder).planned = 0;
    this.mentions?.setPlan(plan.tasks.filter((t) => t.state === "planned"));
    for (const builder of this.mentions?.builderNames() ?? []) if (!this.exactBuilders.has(builder)) this.estimate(builder);
    this.changed();
    this.flush();
  }

  /** A builder's step ended: every kernel it started is over. */
  builderEnded(stage: string) {
    const builder = BUILDER_STAGE.exec(stage)?.[1];
    if (!builder || !this.mentions || this.exactBuilders.has(builder)) return;
    this.mentions.ended(builder);
    this.estimate(builder);
  }

  private estimate(builder: string) {
    const m = this.mentions?.counts(builder);
    if (!m) return;
    const c = this.counts(builder);
    c.exact = false;
    c.done = m.tasksOfFinished;
    c.kernels = { planned: m.kernels, started: m.started, finished: m.finished };
    this.changed();
  }

  /**
   * The build's image says how every planned task ended: its driver, its
   * marker, or its failure log. Counts become exact; a task the image says
   * nothing of stays planned (the coverage shows it missing).
   */
  settle(results: ReadonlyMap<string, Result>) {
    this.flush();
    const rows = this.db
      .select({ id: tasks.id, kernel: tasks.kernel, moduleVersion: tasks.moduleVersion, flavour: tasks.flavour, builder: tasks.builder, state: tasks.state })
      .from(tasks)
      .where(eq(tasks.buildId, this.buildId))
      .all();
    const counts: Record<string, BuilderProgress> = {};
    const changes: { id: number; state: Result }[] = [];
    for (const row of rows) {
      if (row.state === "cached" || row.state === "blocklisted") continue;
      const c = (counts[row.builder] ??= { planned: 0, done: 0, failed: 0, exact: true });
      c.planned++;
      const result = results.get(taskKey(row.kernel, row.moduleVersion, row.flavour));
      if (!result) continue;
      c.done++;
      if (result === "failed") c.failed++;
      if (row.state !== result) changes.push({ id: row.id, state: result });
    }
    this.db.transaction(() => {
      for (const change of changes) this.setState.run(change);
    });
    for (const builder of Object.keys(this.progress)) delete this.progress[builder];
    Object.assign(this.progress, counts);
    this.planKnown = true;
    this.changed();
    this.flush();
  }

  private key(p: { kernel: string; version: string; flavour: Flavour }): TaskKey {
    return { kernel: p.kernel, moduleVersion: p.version, flavour: p.flavour };
  }

  private changed() {
    this.dirty = true;
    // Rows and counts reach the database at most every 100 ms.
    this.timer ??= setTimeout(() => this.flush(), 100);
  }

  private counts(builder: string) {
    return (this.progress[builder] ??= { planned: 0, done: 0, failed: 0 });
  }

  flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.dirty) return;
    this.dirty = false;
    const rows = this.pending;
    this.pending = [];
    const all = Object.values(this.progress);
    this.db.transaction((tx) => {
      // The prepared upsert runs on the same connection, inside this transaction.
      // In the order the lines came: a task's end always follows its start.
      for (const row of rows) {
        this.upsert.run({
          ...row,
          seconds: row.seconds ?? null,
          blocklistFile: row.blocklistFile ?? null,
          blocklistLine: row.blocklistLine ?? null,
          blocklistRule: row.blocklistRule ?? null,
        });
      }
      tx.update(builds)
        .set({
          progress: this.progress,
          plannedTasks: this.planKnown || all.length > 0 ? all.reduce((n, c) => n + c.planned, 0) : null,
          doneTasks: all.reduce((n, c) => n + c.done, 0),
        })
        .where(eq(builds.id, this.buildId))
        .run();
    });
    signalBuildChanged(this.buildId);
  }
}
