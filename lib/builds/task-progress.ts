import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { builds, tasks } from "@/lib/db/schema";
import { parseTaskLine } from "@/lib/docker/progress/build-driver-progress";
import { builderForKernel } from "@/lib/bundles/builder-for-kernel";
import { signalBuildChanged } from "./build-signals";

type Counts = { planned: number; done: number; failed: number };

/**
 * Follows the builders' progress lines: each builder announces how many tasks
 * it has, then every task's start and end. Keeps "n of m drivers" per builder
 * on the build and one row per task.
 */
export class TaskProgressTracker {
  private readonly progress: Record<string, Counts> = {};
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly buildId: number,
  ) {}

  line(text: string) {
    if (!text.startsWith("KOBUILD-")) return;
    const p = parseTaskLine(text);
    if (!p) return;
    if (p.kind === "skip") return;
    if (p.kind === "builder") {
      this.counts(p.builder).planned = p.tasks;
    } else if (p.kind === "plan") {
      // The task master's plan: every task is known before a builder starts.
      const builder = builderForKernel(p.kernel);
      this.db.insert(tasks).values({ buildId: this.buildId, kernel: p.kernel, moduleVersion: p.version, flavour: p.flavour, builder }).onConflictDoNothing().run();
      this.counts(builder).planned++;
    } else {
      const builder = builderForKernel(p.kernel);
      const key = { buildId: this.buildId, kernel: p.kernel, moduleVersion: p.version, flavour: p.flavour };
      const state = p.kind === "task-start" ? "running" : p.result;
      this.db
        .insert(tasks)
        .values({ ...key, builder, state, seconds: p.kind === "task-end" ? Math.round(p.seconds * 1000) : null })
        .onConflictDoUpdate({
          target: [tasks.buildId, tasks.kernel, tasks.moduleVersion, tasks.flavour],
          set: { state, seconds: p.kind === "task-end" ? Math.round(p.seconds * 1000) : sql`${tasks.seconds}` },
        })
        .run();
      if (p.kind === "task-end") {
        const c = this.counts(builder);
        c.done++;
        if (p.result === "failed") c.failed++;
      }
    }
    this.dirty = true;
    // Counts reach the build row at most every 100 ms: a plan has thousands of lines.
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
    const all = Object.values(this.progress);
    this.db
      .update(builds)
      .set({
        progress: this.progress,
        plannedTasks: all.reduce((n, c) => n + c.planned, 0),
        doneTasks: all.reduce((n, c) => n + c.done, 0),
      })
      .where(and(eq(builds.id, this.buildId)))
      .run();
    signalBuildChanged(this.buildId);
  }
}
