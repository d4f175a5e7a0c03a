import "server-only";
import { and, count, eq } from "drizzle-orm";
import type Docker from "dockerode";
import type { Db } from "@/lib/db/client";
import { builds, tasks } from "@/lib/db/schema";
import { streamImageFile } from "@/lib/docker/image/stream-image-file";
import { builderForKernel } from "@/lib/bundles/builder-for-kernel";

export type PlannedTask = { kernel: string; moduleVersion: string; flavour: "mod" | "bpf" };

/** `/build-tasks` as the task master writes it: `<kernel> <module-version> <mod|bpf>` per line. */
export function parseBuildTasks(text: string): PlannedTask[] {
  const found: PlannedTask[] = [];
  for (const line of text.split("\n")) {
    const [kernel, moduleVersion, flavour, extra] = line.trim().split(/\s+/);
    if (!kernel || !moduleVersion || extra !== undefined || (flavour !== "mod" && flavour !== "bpf")) continue;
    found.push({ kernel, moduleVersion, flavour });
  }
  return found;
}

/** Reads `/build-tasks` out of the task master's image (through a never-started container). */
export async function readBuildTasks(engine: Docker, imageId: string): Promise<PlannedTask[]> {
  const stream = await streamImageFile(engine, imageId, "/build-tasks");
  if (!stream) throw new Error("the task master's image has no /build-tasks");
  let text = "";
  for await (const chunk of stream) text += String(chunk);
  return parseBuildTasks(text);
}

/**
 * Makes the build's task rows hold the whole plan. The task master's log
 * lines normally put them there as it runs; when the engine took its step
 * from the cache nothing was printed, and `/build-tasks` is what is left.
 * Then sets "m tasks" per builder from the rows.
 */
export function recordPlan(db: Db, buildId: number, planned: PlannedTask[]) {
  db.transaction((tx) => {
    for (const t of planned) {
      tx.insert(tasks).values({ buildId, ...t, builder: builderForKernel(t.kernel), state: "planned" }).onConflictDoNothing().run();
    }
    const perBuilder = tx
      .select({ builder: tasks.builder, n: count() })
      .from(tasks)
      .where(and(eq(tasks.buildId, buildId), eq(tasks.state, "planned")))
      .groupBy(tasks.builder)
      .all();
    const progress = Object.fromEntries(perBuilder.map((b) => [b.builder, { planned: b.n, done: 0, failed: 0 }]));
    tx.update(builds)
      .set({ progress, plannedTasks: perBuilder.reduce((n, b) => n + b.n, 0), doneTasks: 0 })
      .where(eq(builds.id, buildId))
      .run();
  });
}
