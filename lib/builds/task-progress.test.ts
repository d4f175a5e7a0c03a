import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "@/lib/db/client";
import { builds, tasks } from "@/lib/db/schema";
import { TaskProgressTracker } from "./task-progress";

// Lines exactly as the sample's task master and builders print them
// (get-build-tasks.sh, build-drivers.sh), for a build whose cache holds one
// kernel's drivers and whose BLOCKLIST drops the cloud kernel's probe.
const taskMaster = [
  "patcher: prepared module versions: 2.2.0",
  "get-build-tasks.sh: BLOCKLIST: 2 rule(s)",
  "KOBUILD-SKIP kernel=6.1.0-55-amd64 version=2.2.0 flavour=mod reason=cache",
  "KOBUILD-SKIP kernel=6.1.0-55-amd64 version=2.2.0 flavour=bpf reason=cache",
  "get-build-tasks.sh: blocklisted: 6.1.0-56-cloud-amd64 2.2.0 bpf (BLOCKLIST line 14: *-cloud-amd64 * bpf)",
  "KOBUILD-SKIP kernel=6.1.0-56-cloud-amd64 version=2.2.0 flavour=bpf reason=blocklist",
  "KOBUILD-PLAN kernel=3.10.0-1160.el7.x86_64 version=2.2.0 flavour=mod",
  "KOBUILD-PLAN kernel=3.10.0-1160.el7.x86_64 version=2.2.0 flavour=bpf",
  "KOBUILD-PLAN kernel=6.1.0-56-cloud-amd64 version=2.2.0 flavour=mod",
  "get-build-tasks.sh: tasks: 6, already in the cache: 2, blocklisted: 1, to build: 3 (rhel-8 builder: 1, rhel-7 builder: 2)",
];
const builders = [
  "KOBUILD-BUILDER builder=rhel-8 tasks=1 jobs=2",
  "KOBUILD-TASK start kernel=6.1.0-56-cloud-amd64 version=2.2.0 flavour=mod",
  "KOBUILD-BUILDER builder=rhel-7 tasks=2 jobs=2",
  "KOBUILD-TASK start kernel=3.10.0-1160.el7.x86_64 version=2.2.0 flavour=mod",
  "KOBUILD-TASK start kernel=3.10.0-1160.el7.x86_64 version=2.2.0 flavour=bpf",
  "KOBUILD-TASK end kernel=3.10.0-1160.el7.x86_64 version=2.2.0 flavour=bpf result=unavailable seconds=0.03",
  "KOBUILD-TASK end kernel=3.10.0-1160.el7.x86_64 version=2.2.0 flavour=mod result=failed seconds=0.41",
  "KOBUILD-TASK end kernel=6.1.0-56-cloud-amd64 version=2.2.0 flavour=mod result=built seconds=7.25",
];

describe("TaskProgressTracker", () => {
  let dataDir: string;
  let db: Db;
  let buildId: number;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-tasks-"));
    db = openDb(dataDir);
    buildId = db.insert(builds).values({ status: "running" }).returning({ id: builds.id }).get().id;
  });
  afterAll(() => {
    db.$client.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const rows = () =>
    db
      .select({ kernel: tasks.kernel, flavour: tasks.flavour, state: tasks.state, line: tasks.blocklistLine, rule: tasks.blocklistRule, seconds: tasks.seconds })
      .from(tasks)
      .where(eq(tasks.buildId, buildId))
      .orderBy(tasks.kernel, tasks.flavour)
      .all();

  it("records every task the task master considered, skipped ones with why", () => {
    const tracker = new TaskProgressTracker(db, buildId);
    for (const line of taskMaster) tracker.line(line);
    tracker.flush();
    expect(rows()).toEqual([
      { kernel: "3.10.0-1160.el7.x86_64", flavour: "bpf", state: "planned", line: null, rule: null, seconds: null },
      { kernel: "3.10.0-1160.el7.x86_64", flavour: "mod", state: "planned", line: null, rule: null, seconds: null },
      { kernel: "6.1.0-55-amd64", flavour: "bpf", state: "cached", line: null, rule: null, seconds: null },
      { kernel: "6.1.0-55-amd64", flavour: "mod", state: "cached", line: null, rule: null, seconds: null },
      { kernel: "6.1.0-56-cloud-amd64", flavour: "bpf", state: "blocklisted", line: 14, rule: "*-cloud-amd64 * bpf", seconds: null },
      { kernel: "6.1.0-56-cloud-amd64", flavour: "mod", state: "planned", line: null, rule: null, seconds: null },
    ]);
    // Skipped tasks are no work for a builder: the progress counts only planned ones.
    const build = db.select().from(builds).where(eq(builds.id, buildId)).get()!;
    expect(build.plannedTasks).toBe(3);
    expect(build.doneTasks).toBe(0);

    for (const line of builders) tracker.line(line);
    tracker.flush();
    expect(rows().map((r) => `${r.kernel} ${r.flavour} ${r.state} ${r.seconds}`)).toEqual([
      "3.10.0-1160.el7.x86_64 bpf unavailable 30",
      "3.10.0-1160.el7.x86_64 mod failed 410",
      "6.1.0-55-amd64 bpf cached null",
      "6.1.0-55-amd64 mod cached null",
      "6.1.0-56-cloud-amd64 bpf blocklisted null",
      "6.1.0-56-cloud-amd64 mod built 7250",
    ]);
    const done = db.select().from(builds).where(eq(builds.id, buildId)).get()!;
    expect(done.progress).toEqual({ "rhel-8": { planned: 1, done: 1, failed: 0 }, "rhel-7": { planned: 2, done: 2, failed: 1 } });
    expect(done.doneTasks).toBe(3);
  });

  it("keeps the rule when the skip line comes alone, and ignores lines for kernels no builder takes", () => {
    const other = db.insert(builds).values({ status: "running" }).returning({ id: builds.id }).get().id;
    const tracker = new TaskProgressTracker(db, other);
    tracker.line("KOBUILD-SKIP kernel=6.12.117+deb12-amd64 version=2.2.0 flavour=mod reason=blocklist");
    tracker.line("KOBUILD-PLAN kernel=linux-6.1 version=2.2.0 flavour=mod");
    tracker.line("get-build-tasks.sh: blocklisted: linux-6.1 2.2.0 mod (BLOCKLIST line 2: linux-*)");
    tracker.flush();
    expect(db.select({ kernel: tasks.kernel, state: tasks.state, line: tasks.blocklistLine }).from(tasks).where(eq(tasks.buildId, other)).all()).toEqual([
      { kernel: "6.12.117+deb12-amd64", state: "blocklisted", line: null },
    ]);
  });
});
