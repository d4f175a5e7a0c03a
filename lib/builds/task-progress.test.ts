import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "@/lib/db/client";
import { builds, tasks } from "@/lib/db/schema";
import { parseBlocklist } from "@/lib/workspace/blocklist";
import { explainPlan, taskKey } from "./plan/explain-plan";
import { parseBuildTasks } from "./plan/parse-build-tasks";
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
const kernels = ["3.10.0-1160.el7.x86_64", "6.1.0-55-amd64", "6.1.0-56-cloud-amd64"];
// The same build as its /build-tasks, the cache image and the BLOCKLIST file tell it.
const plan = explainPlan({
  facts: { tasks: parseBuildTasks("3.10.0-1160.el7.x86_64 2.2.0 mod\n3.10.0-1160.el7.x86_64 2.2.0 bpf\n6.1.0-56-cloud-amd64 2.2.0 mod\n"), moduleVersions: [{ moduleVersion: "2.2.0", bpf: true }] },
  kernels,
  cached: new Set([taskKey("6.1.0-55-amd64", "2.2.0", "mod"), taskKey("6.1.0-55-amd64", "2.2.0", "bpf")]),
  blocklists: [{ file: "kernel-modules/BLOCKLIST", rules: parseBlocklist(`${"# comment\n".repeat(13)}*-cloud-amd64 * bpf\n`) }],
});

describe("TaskProgressTracker", () => {
  let dataDir: string;
  let db: Db;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-tasks-"));
    db = openDb(dataDir);
  });
  afterAll(() => {
    db.$client.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const newBuild = () => db.insert(builds).values({ status: "running" }).returning({ id: builds.id }).get().id;
  const rows = (buildId: number) =>
    db
      .select({ kernel: tasks.kernel, flavour: tasks.flavour, state: tasks.state, file: tasks.blocklistFile, line: tasks.blocklistLine, rule: tasks.blocklistRule, seconds: tasks.seconds })
      .from(tasks)
      .where(eq(tasks.buildId, buildId))
      .orderBy(tasks.kernel, tasks.flavour)
      .all();
  const build = (buildId: number) => db.select().from(builds).where(eq(builds.id, buildId)).get()!;

  it("follows the progress lines a builder prints, live and exactly", () => {
    const buildId = newBuild();
    const tracker = new TaskProgressTracker(db, buildId);
    for (const line of taskMaster) tracker.line(line, "task-master");
    tracker.flush();
    expect(rows(buildId).map((r) => `${r.kernel} ${r.flavour} ${r.state}`)).toEqual([
      "3.10.0-1160.el7.x86_64 bpf planned",
      "3.10.0-1160.el7.x86_64 mod planned",
      "6.1.0-55-amd64 bpf cached",
      "6.1.0-55-amd64 mod cached",
      "6.1.0-56-cloud-amd64 bpf blocklisted",
      "6.1.0-56-cloud-amd64 mod planned",
    ]);
    expect(build(buildId).plannedTasks).toBe(3);

    for (const line of builders) tracker.line(line, line.includes("3.10") ? "rhel-7-builder" : "rhel-8-builder");
    tracker.flush();
    expect(rows(buildId).map((r) => `${r.kernel} ${r.flavour} ${r.state} ${r.seconds}`)).toEqual([
      "3.10.0-1160.el7.x86_64 bpf unavailable 30",
      "3.10.0-1160.el7.x86_64 mod failed 410",
      "6.1.0-55-amd64 bpf cached null",
      "6.1.0-55-amd64 mod cached null",
      "6.1.0-56-cloud-amd64 bpf blocklisted null",
      "6.1.0-56-cloud-amd64 mod built 7250",
    ]);
    expect(build(buildId).progress).toEqual({ "rhel-8": { planned: 1, done: 1, failed: 0, exact: true }, "rhel-7": { planned: 2, done: 2, failed: 1, exact: true } });
    expect(build(buildId).doneTasks).toBe(3);
  });

  it("takes the plan read from /build-tasks as the truth: rules with their file and line, lines that claimed otherwise corrected", () => {
    const buildId = newBuild();
    const tracker = new TaskProgressTracker(db, buildId);
    // A line that lies: the cache did not hold this task, the plan builds it.
    tracker.line("KOBUILD-SKIP kernel=3.10.0-1160.el7.x86_64 version=2.2.0 flavour=mod reason=cache", "task-master");
    tracker.line("KOBUILD-TASK start kernel=6.1.0-56-cloud-amd64 version=2.2.0 flavour=mod", "rhel-8-builder");
    tracker.planTasks(plan);
    expect(rows(buildId)).toEqual([
      { kernel: "3.10.0-1160.el7.x86_64", flavour: "bpf", state: "planned", file: null, line: null, rule: null, seconds: null },
      { kernel: "3.10.0-1160.el7.x86_64", flavour: "mod", state: "planned", file: null, line: null, rule: null, seconds: null },
      { kernel: "6.1.0-55-amd64", flavour: "bpf", state: "cached", file: null, line: null, rule: null, seconds: null },
      { kernel: "6.1.0-55-amd64", flavour: "mod", state: "cached", file: null, line: null, rule: null, seconds: null },
      { kernel: "6.1.0-56-cloud-amd64", flavour: "bpf", state: "blocklisted", file: "kernel-modules/BLOCKLIST", line: 14, rule: "*-cloud-amd64 * bpf", seconds: null },
      // Already running: the plan does not set it back.
      { kernel: "6.1.0-56-cloud-amd64", flavour: "mod", state: "running", file: null, line: null, rule: null, seconds: null },
    ]);
    expect(build(buildId).plannedTasks).toBe(3);
  });

  it("keeps one row per task when a plan is read again: the second replaces what the first said", () => {
    const buildId = newBuild();
    const tracker = new TaskProgressTracker(db, buildId);
    const first = explainPlan({
      facts: { tasks: parseBuildTasks("3.10.0-1160.el7.x86_64 2.2.0 mod\n3.10.0-1160.el7.x86_64 2.2.0 mod\n"), moduleVersions: [{ moduleVersion: "2.2.0", bpf: false }] },
      kernels: ["3.10.0-1160.el7.x86_64"],
      cached: new Set(),
      blocklists: [],
    });
    tracker.planTasks(first);
    expect(rows(buildId)).toEqual([{ kernel: "3.10.0-1160.el7.x86_64", flavour: "mod", state: "planned", file: null, line: null, rule: null, seconds: null }]);
    tracker.planTasks(plan);
    expect(rows(buildId).map((r) => `${r.kernel} ${r.flavour} ${r.state}`)).toEqual([
      "3.10.0-1160.el7.x86_64 bpf planned",
      "3.10.0-1160.el7.x86_64 mod planned",
      "6.1.0-55-amd64 bpf cached",
      "6.1.0-55-amd64 mod cached",
      "6.1.0-56-cloud-amd64 bpf blocklisted",
      "6.1.0-56-cloud-amd64 mod planned",
    ]);
    expect(build(buildId).plannedTasks).toBe(3);
  });

  it("estimates a silent builder's progress from the kernel ids in its log, and says it is an estimate", () => {
    const buildId = newBuild();
    const tracker = new TaskProgressTracker(db, buildId);
    tracker.followKernels(kernels, 1);
    tracker.planTasks(plan);
    tracker.line("Compiling kernel module for '3.10.0-1160.el7.x86_64'", "rhel-7-builder");
    // Another stage's mention is not a builder's progress.
    tracker.line("+ tar -xzf /bundles/bundle-6.1.0-56-cloud-amd64.tgz", "task-master");
    tracker.flush();
    expect(build(buildId).progress).toEqual({
      "rhel-7": { planned: 2, done: 0, failed: 0, exact: false, kernels: { planned: 1, started: 1, finished: 0 } },
      "rhel-8": { planned: 1, done: 0, failed: 0, exact: false, kernels: { planned: 1, started: 0, finished: 0 } },
    });
    tracker.builderEnded("rhel-7-builder");
    tracker.flush();
    expect(build(buildId).progress["rhel-7"]).toEqual({ planned: 2, done: 2, failed: 0, exact: false, kernels: { planned: 1, started: 1, finished: 1 } });
    expect(build(buildId).doneTasks).toBe(2);
  });

  it("settles every planned task from the image at the end, with exact counts", () => {
    const buildId = newBuild();
    const tracker = new TaskProgressTracker(db, buildId);
    tracker.planTasks(plan);
    tracker.settle(
      new Map([
        [taskKey("3.10.0-1160.el7.x86_64", "2.2.0", "mod"), "failed"],
        [taskKey("3.10.0-1160.el7.x86_64", "2.2.0", "bpf"), "unavailable"],
        // The cache's drivers are in the image too: they stay cached.
        [taskKey("6.1.0-55-amd64", "2.2.0", "mod"), "built"],
      ]),
    );
    expect(rows(buildId).map((r) => `${r.kernel} ${r.flavour} ${r.state}`)).toEqual([
      "3.10.0-1160.el7.x86_64 bpf unavailable",
      "3.10.0-1160.el7.x86_64 mod failed",
      "6.1.0-55-amd64 bpf cached",
      "6.1.0-55-amd64 mod cached",
      "6.1.0-56-cloud-amd64 bpf blocklisted",
      // Neither driver nor log: it stays planned, and the coverage shows it missing.
      "6.1.0-56-cloud-amd64 mod planned",
    ]);
    expect(build(buildId).progress).toEqual({ "rhel-7": { planned: 2, done: 2, failed: 1, exact: true }, "rhel-8": { planned: 1, done: 0, failed: 0, exact: true } });
  });

  it("ignores lines for kernels no builder takes", () => {
    const buildId = newBuild();
    const tracker = new TaskProgressTracker(db, buildId);
    tracker.line("KOBUILD-PLAN kernel=linux-6.1 version=2.2.0 flavour=mod");
    tracker.flush();
    expect(rows(buildId)).toEqual([]);
  });
});
