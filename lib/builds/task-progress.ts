import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { builds, tasks } from "@/lib/db/schema";
import { parseBlocklistedLine, parseTaskLine } from "@/lib/docker/progress/build-driver-progress";
import { builderForKernel } from "@/lib/bundles/builder-for-kernel";
import { signalBuildChanged } from "./build-signals";

type Counts = { planned: number; done: number; failed: number };
type TaskRow = Omit<typeof tasks.$inferInsert, "buildId">;
type TaskKey = Pick<TaskRow, "kernel" | "moduleVersion" | "flavour">;

const identity = [tasks.buildId, tasks.kernel, tasks.moduleVersion, tasks.flavour];

/**
 * Follows the task master's plan and the builders' progress lines: one row per
 * task (planned, then running, then its result; or cached or blocklisted when
 * the task master dropped it, with the BLOCKLIST rule that matched), and
 * "n of m drivers" per builder on the build. Rows reach the database in one
 * transaction per batch: a plan, or a build whose cache holds nearly
 * everything, has tens of thousands of lines.
 */
export class TaskProgressTracker {
  private readonly progress: Record<string, Counts> = {};
  private pending: TaskRow[] = [];
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;

  // One prepared upsert for every row: a flush may write tens of thousands.
  // A value left out (null) keeps what the row had: a task's end keeps the
  // rule its blocklisted line gave, a plan line keeps nothing it lacks.
  private readonly upsert;

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
        blocklistLine: sql.placeholder("blocklistLine"),
        blocklistRule: sql.placeholder("blocklistRule"),
      })
      .onConflictDoUpdate({
        target: identity,
        set: {
          state: sql`excluded.state`,
          seconds: sql`coalesce(excluded.seconds_ms, ${tasks.seconds})`,
          blocklistLine: sql`coalesce(excluded.blocklist_line, ${tasks.blocklistLine})`,
          blocklistRule: sql`coalesce(excluded.blocklist_rule, ${tasks.blocklistRule})`,
        },
      })
      .prepare();
  }

  line(text: string) {
    if (!text.startsWith("KOBUILD-")) {
      // Rare (one per blocklisted task): checked only for lines that may be one.
      if (text.includes("blocklisted: ")) this.blocklisted(text);
      return;
    }
    const p = parseTaskLine(text);
    if (!p) return;
    // No builder takes a kernel that does not start with a digit: such a line is no task of this build.
    if (p.kind !== "builder" && !/^[0-9]/.test(p.kernel)) return;
    if (p.kind === "builder") {
      this.counts(p.builder).planned = p.tasks;
    } else if (p.kind === "skip") {
      // The blocklisted line came first and may have named the rule; the skip never erases it.
      this.pending.push({ ...this.key(p), builder: builderForKernel(p.kernel), state: p.reason === "cache" ? "cached" : "blocklisted" });
    } else if (p.kind === "plan") {
      // The task master's plan: every task is known before a builder starts.
      const builder = builderForKernel(p.kernel);
      this.pending.push({ ...this.key(p), builder, state: "planned" });
      this.counts(builder).planned++;
    } else {
      const builder = builderForKernel(p.kernel);
      const state = p.kind === "task-start" ? "running" : p.result;
      this.pending.push({ ...this.key(p), builder, state, seconds: p.kind === "task-end" ? Math.round(p.seconds * 1000) : null });
      if (p.kind === "task-end") {
        const c = this.counts(builder);
        c.done++;
        if (p.result === "failed") c.failed++;
      }
    }
    this.changed();
  }

  private blocklisted(text: string) {
    const b = parseBlocklistedLine(text);
    if (!b || !/^[0-9]/.test(b.kernel)) return;
    this.pending.push({ ...this.key(b), builder: builderForKernel(b.kernel), state: "blocklisted", blocklistLine: b.line, blocklistRule: b.rule });
    this.changed();
  }

  private key(p: { kernel: string; version: string; flavour: "mod" | "bpf" }): TaskKey {
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
        this.upsert.run({ ...row, seconds: row.seconds ?? null, blocklistLine: row.blocklistLine ?? null, blocklistRule: row.blocklistRule ?? null });
      }
      tx.update(builds)
        .set({
          progress: this.progress,
          plannedTasks: all.reduce((n, c) => n + c.planned, 0),
          doneTasks: all.reduce((n, c) => n + c.done, 0),
        })
        .where(eq(builds.id, this.buildId))
        .run();
    });
    signalBuildChanged(this.buildId);
  }
}
