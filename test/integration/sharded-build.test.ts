import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminJsonRequest } from "./helpers/admin-request";
import { bundlesDir, docker, git, runDocker } from "./helpers/driver-build";
import { privateEngine } from "./helpers/private-engine";
import { registryTags, startTestRegistry, type TestRegistry } from "./helpers/registry";
import { freshDataDir, makeSampleWorkspace } from "./helpers/sample-data-dir";
import { waitForBuild } from "./helpers/wait-for-build";

// Three real engines on this machine: the default one and two dockerds of
// the test's own (own sockets, data roots and exec roots), and a real
// registry on loopback that carries the shards' images between them.
const dataDir = freshDataDir("shards");

const { getDb } = await import("@/lib/db/client");
const { builds, bundles, drivers, failures, tasks } = await import("@/lib/db/schema");
const { createBuild } = await import("@/lib/builds/create-build");
const { createBuildBodySchema } = await import("@/lib/builds/build-schemas");
const { importSample } = await import("@/lib/workspace/import-sample");
const { readLogLines } = await import("@/lib/builds/read-log-lines");
const { cancelBuild } = await import("@/lib/builds/build-queue");
const { loadBuildCoverage } = await import("@/lib/coverage/load-coverage");
const { cellState } = await import("@/lib/coverage/coverage-model");
const { and, asc, eq, inArray } = await import("drizzle-orm");
const registriesRoute = await import("@/app/api/registries/route");
const enginesRoute = await import("@/app/api/engines/route");

const run = `${process.pid}-${Date.now().toString(36)}`;
const none = { params: Promise.resolve({}) };
const request = adminJsonRequest;

let registry: TestRegistry;
let registryId = 0;
let workspaceId = 0;
let workspacePath = "";
const second = privateEngine("shard-b");
const third = privateEngine("shard-c");
const madeRefs = new Set<string>();
const engineB = { id: "" };
const engineC = { id: "" };

type Build = Awaited<ReturnType<typeof waitForBuild>>;
let single: Build;

/** What an image holds, by cell: the same build sharded or not must hold the same. */
function contentOf(build: Build) {
  const imageId = build.image!.id;
  const files = getDb().select().from(drivers).where(eq(drivers.imageId, imageId)).all();
  const logs = getDb().select().from(failures).where(eq(failures.imageId, imageId)).all();
  return {
    drivers: files.map((d) => `${d.kind} ${d.path}`).sort(),
    failures: logs.map((f) => `${f.kernel} ${f.moduleVersion} ${f.flavour}`).sort(),
  };
}
function taskStates(buildId: number) {
  return getDb()
    .select()
    .from(tasks)
    .where(eq(tasks.buildId, buildId))
    .all()
    .map((t) => `${t.kernel} ${t.moduleVersion} ${t.flavour} ${t.state}`)
    .sort();
}
function shardsOf(buildId: number) {
  return getDb().select().from(builds).where(eq(builds.parentId, buildId)).orderBy(asc(builds.shard), asc(builds.attempt)).all();
}
const options = { workspaceId: 0, branch: "master", checkoutBeforePatching: false, buildJobs: 1 };

/** A new change to the driver source: the engines' caches must not finish a shard before the test can act on it. */
function changeSource(label: string) {
  fs.appendFileSync(path.join(workspacePath, "kernel-modules/probe/main.c"), `/* ${label} ${run} */\n`);
}

/** Waits until the shard build on `engineId` runs its first task, and returns that build. */
async function shardRunningOn(parentId: number, engineId: string) {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const shard = shardsOf(parentId).find((s) => s.engineId === engineId && s.status === "running");
    const started = shard && getDb().select().from(tasks).where(and(eq(tasks.buildId, shard.id), inArray(tasks.state, ["running", "built", "failed", "unavailable"]))).get();
    if (shard && started) return shard;
    const parent = getDb().select().from(builds).where(eq(builds.id, parentId)).get()!;
    if (!["queued", "running"].includes(parent.status)) throw new Error(`build ${parentId} ended ${parent.status} before a shard ran on ${engineId}: ${parent.error}`);
    if (Date.now() > deadline) throw new Error(`no shard of build ${parentId} ran a task on ${engineId}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits for kobuild's note that matches in the build's log, and returns it. */
async function noteOf(buildId: number, pattern: RegExp) {
  const deadline = Date.now() + 600_000;
  for (;;) {
    const line = readLogLines(buildId, { limit: 100_000 }).find((l) => pattern.test(l.text));
    if (line) return line;
    const build = getDb().select().from(builds).where(eq(builds.id, buildId)).get()!;
    if (!["queued", "running"].includes(build.status)) throw new Error(`build ${buildId} ended ${build.status} before its log said ${pattern}: ${build.error}`);
    if (Date.now() > deadline) throw new Error(`build ${buildId}'s log never said ${pattern}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The shard images the merge took, in order: the one it started from, then each one merged onto it. */
function mergedRefs(buildId: number) {
  const text = readLogLines(buildId, { limit: 100_000 }).map((l) => l.text);
  const first = text.map((t) => /^kobuild: shard \d+'s image (\S+) arrived first/.exec(t)?.[1]).filter((r) => r !== undefined);
  const merged = text.map((t) => /^kobuild: \d+ of \d+ merged \((\S+)\)$/.exec(t)?.[1]).filter((r) => r !== undefined);
  return [...first, ...merged];
}

function cellsOf(buildId: number, kernel: string) {
  const { coverage } = loadBuildCoverage(buildId);
  const k = coverage.kernels.findIndex((x) => x.name === kernel);
  const M = coverage.moduleVersions.length;
  return coverage.moduleVersions.flatMap((v, m) => [0, 1].map((f) => `${v} ${f ? "bpf" : "mod"} ${cellState(coverage, (k * M + m) * 2 + f)}`));
}

beforeAll(async () => {
  registry = await startTestRegistry();
  await Promise.all([second.start(), third.start()]);
  workspacePath = makeSampleWorkspace(dataDir);
  // Unique to this run: the engines' caches of earlier runs must not hide the task lines.
  fs.appendFileSync(path.join(workspacePath, "kernel-modules/probe/main.c"), `/* sharded build test ${run} */\n`);
  workspaceId = (await importSample({ workspacePath, bundleDir: bundlesDir })).workspace.id;
  options.workspaceId = workspaceId;
  const added = await registriesRoute.POST(request("POST", { name: "shards", url: registry.url, username: registry.username, password: registry.password }), none);
  expect(added.status).toBe(201);
  registryId = ((await added.json()) as { id: number }).id;
  for (const [name, engine, ids] of [["engine b", second, engineB], ["engine c", third, engineC]] as const) {
    const response = await enginesRoute.POST(request("POST", { name, url: engine.host, concurrency: 1 }), none);
    expect(response.status).toBe(201);
    ids.id = ((await response.json()) as { id: string }).id;
  }
  single = await waitForBuild((await createBuild(createBuildBodySchema.parse(options))).id);
  expect(single.status, single.error ?? "").toBe("succeeded");
  madeRefs.add(single.tag!);
}, 600_000);

afterAll(async () => {
  for (const ref of madeRefs) await runDocker(["rmi", ref]);
  await Promise.all([second.destroy(), third.destroy()]);
  await registry?.stop();
});

describe("a build sharded over three engines", () => {
  it("yields the same drivers and failures as the same build on one engine, merging each shard as it arrives", async () => {
    const started = await createBuild(createBuildBodySchema.parse({ ...options, sharding: { engines: "all", registryId } }));
    // Engine c's shard is held (its dockerd frozen) while it compiles: the other two shards' images must be
    // merged without waiting for it. Which shard ends last is then the test's doing, not the clock's.
    await shardRunningOn(started.id, engineC.id);
    third.freeze();
    try {
      await noteOf(started.id, /^kobuild: 1 of 2 merged /);
    } finally {
      third.thaw();
    }
    const build = await waitForBuild(started.id);
    madeRefs.add(build.tag!);
    const log = readLogLines(build.id, { limit: 100_000 }).map((l) => l.text).join("\n");
    expect(build.status, `${build.error}\n${log.slice(-4000)}`).toBe("succeeded");
    // The one-engine build timed every kernel's tasks: the split weighs them by those seconds.
    expect(log).toMatch(/kernels weighed by the seconds their tasks took in recent builds \((\d+) of \1 timed/);
    const shards = shardsOf(build.id);
    expect(new Set(shards.map((s) => s.engineId))).toEqual(new Set(["default", engineB.id, engineC.id]));
    expect(shards.every((s) => s.status === "succeeded")).toBe(true);
    // Each shard had only its own bundles, and together exactly the build's.
    const kernelsOf = (id: number) => new Set(getDb().select({ kernel: tasks.kernel }).from(tasks).where(and(eq(tasks.buildId, id), eq(tasks.state, "built"))).all().map((t) => t.kernel));
    const perShard = shards.map((s) => kernelsOf(s.id));
    expect(perShard.reduce((n, k) => n + k.size, 0)).toBe(new Set(perShard.flatMap((k) => [...k])).size);
    expect(contentOf(build)).toEqual(contentOf(single));
    expect(taskStates(build.id)).toEqual(taskStates(single.id));
    expect(build.plan.done).toBe(single.plan.done);
    expect(build.stages.map((s) => `${s.name} ${s.status}`)).toEqual(["plan done", "shards done", "merge done", "squash done"]);
    // Every shard's image is in the result once: the first to arrive as the base, each other one merged once.
    expect(mergedRefs(build.id).sort()).toEqual(shards.map((s) => s.tag!).sort());
    // The merge began, and its first merge ended, while the last shard (engine c's) still ran; that shard's merge came after it.
    const last = shards.find((s) => s.engineId === engineC.id)!;
    expect(shards.every((s) => s.finishedAt!.getTime() <= last.finishedAt!.getTime())).toBe(true);
    const merge = build.stages.find((s) => s.name === "merge")!;
    expect(merge.startedAt!.getTime()).toBeLessThan(last.finishedAt!.getTime());
    const merges = readLogLines(build.id, { limit: 100_000 }).filter((l) => /^kobuild: \d+ of 2 merged /.test(l.text));
    expect(merges.map((l) => l.text.replace(/ \(.*/, ""))).toEqual(["kobuild: 1 of 2 merged", "kobuild: 2 of 2 merged"]);
    expect(merges[0]!.ts).toBeLessThan(last.finishedAt!.getTime());
    expect(merges[1]!.text).toBe(`kobuild: 2 of 2 merged (${last.tag})`);
    expect(merges[1]!.ts).toBeGreaterThan(last.finishedAt!.getTime());
    // Without a threshold the log says the squash ran, and where reading the result ends and recording it begins.
    expect(log).toContain("no layer threshold: the merged image is squashed");
    expect(log).toMatch(/reading \/kernel-modules and \/FAILURES from the result[\s\S]*read \d+ file\(s\) from the result; recording them[\s\S]*driver file\(s\) and marker\(s\)/);
    // Every shard's image went through the registry, under the tag its build was given.
    const pushed = await registryTags(registry, "kobuild/collector-drivers");
    for (const shard of shards) expect(pushed).toContain(shard.tag!.split(":").pop());
    // The default engine keeps the result only: no shard's image, pulled or built there, is left on it.
    const left = await docker(["images", "--format", "{{.Repository}}:{{.Tag}}"]);
    for (const shard of shards) expect(left).not.toContain(shard.tag!);
    expect(left).toContain(build.tag!);
  }, 900_000);

  it("moves the shard of an engine killed mid-build to another engine, and still completes", async () => {
    changeSource("engine killed");
    const started = await createBuild(createBuildBodySchema.parse({ ...options, sharding: { engines: "all", registryId } }));
    const victim = await shardRunningOn(started.id, engineB.id);
    await second.stop("SIGKILL");
    const build = await waitForBuild(started.id);
    madeRefs.add(build.tag!);
    await second.start();
    expect(build.status, build.error ?? "").toBe("succeeded");
    const again = shardsOf(build.id).filter((s) => s.shard === victim.shard);
    expect(again.map((s) => s.status)).toEqual(["failed", "succeeded"]);
    expect(again[0]!.error).toMatch(/lost the Docker engine/);
    expect(again[1]!.engineId).not.toBe(engineB.id);
    // The moved shard's image (the same tag, whatever the attempt) is merged once, like every other shard's.
    expect(mergedRefs(build.id).sort()).toEqual([...new Set(shardsOf(build.id).map((s) => s.tag!))].sort());
    expect(contentOf(build)).toEqual(contentOf(single));
    expect(taskStates(build.id)).toEqual(taskStates(single.id));
    const log = readLogLines(build.id, { limit: 100_000 }).map((l) => l.text).join("\n");
    expect(log).toMatch(new RegExp(`shard ${victim.shard}: build #${victim.id} on engine engine b failed \\(lost the Docker engine.*\\); attempt 2 of 3 on engine`));
  }, 900_000);

  it("leaves a partial result, with the missing kernels named, when a shard cannot finish", async () => {
    changeSource("partial");
    const started = await createBuild(createBuildBodySchema.parse({ ...options, sharding: { engines: "all", registryId, maxAttempts: 1 } }));
    const victim = await shardRunningOn(started.id, engineB.id);
    const lostKernels = getDb().select().from(bundles).where(inArray(bundles.id, (victim.options as { bundleIds: number[] }).bundleIds)).all().map((b) => b.kernel);
    await second.stop("SIGKILL");
    const build = await waitForBuild(started.id);
    madeRefs.add(build.tag!);
    await second.start();
    expect(build.status).toBe("partial");
    for (const kernel of lostKernels) expect(build.error).toContain(kernel);
    // The other shards' drivers are in the result; the lost kernels' cells are missing, not failed.
    const kept = contentOf(build).drivers;
    const expected = contentOf(single).drivers.filter((d) => !lostKernels.some((k) => d.includes(k)));
    expect(kept).toEqual(expected);
    for (const kernel of lostKernels) expect(cellsOf(build.id, kernel).filter((c) => !c.endsWith("notPlanned")).every((c) => c.endsWith("missing"))).toBe(true);
    // The merge took every shard that finished, once, and not the lost one.
    const finished = shardsOf(build.id).filter((s) => s.status === "succeeded").map((s) => s.tag!);
    expect(mergedRefs(build.id).sort()).toEqual([...new Set(finished)].sort());
    expect(mergedRefs(build.id)).not.toContain(victim.tag);

    // Re-running what is missing, over every engine, completes it: the result then holds what one engine's build holds.
    const rerunRoute = await import("@/app/api/builds/[id]/rerun/route");
    const response = await rerunRoute.POST(request("POST", { sharding: { engines: "all", registryId } }), { params: Promise.resolve({ id: String(build.id) }) });
    expect(response.status).toBe(201);
    const rerun = await waitForBuild(((await response.json()) as { id: number }).id);
    madeRefs.add(rerun.tag!);
    expect(rerun.status, rerun.error ?? "").toBe("succeeded");
    const rebuilt = new Set(shardsOf(rerun.id).flatMap((s) => taskStates(s.id)).filter((t) => / (built|failed|unavailable)$/.test(t)).map((t) => t.split(" ")[0]));
    expect([...rebuilt].sort()).toEqual([...lostKernels, ...contentOf(single).failures.map((f) => f.split(" ")[0]!)].filter((k, i, all) => all.indexOf(k) === i).sort());
    expect(contentOf(rerun).drivers).toEqual(contentOf(single).drivers);
  }, 900_000);

  it("stops every shard when the build is cancelled", async () => {
    changeSource("cancelled");
    const started = await createBuild(createBuildBodySchema.parse({ ...options, sharding: { engines: "all", registryId } }));
    await shardRunningOn(started.id, engineC.id);
    expect(cancelBuild(started.id)).toBe(true);
    const build = await waitForBuild(started.id);
    expect(build.status).toBe("cancelled");
    const shards = shardsOf(build.id);
    expect(shards.length).toBeGreaterThan(1);
    for (const shard of shards) expect(["cancelled", "succeeded"]).toContain(shard.status);
    expect(shards.some((s) => s.status === "cancelled")).toBe(true);
  }, 900_000);
});

describe("re-run what failed", () => {
  it("after a BLOCKLIST fix, builds only the failed and missing tasks the fix leaves, merged onto the build's image", async () => {
    changeSource("re-run");
    const failing = getDb().select().from(bundles).all().filter((b) => b.version < 4);
    const working = getDb().select().from(bundles).all().filter((b) => b.version >= 4).slice(0, 1);
    expect(failing.length).toBe(1);
    const sourceStarted = await createBuild(createBuildBodySchema.parse({ ...options, legacyProbes: true, bundleIds: [...failing, ...working].map((b) => b.id) }));
    const source = await waitForBuild(sourceStarted.id);
    madeRefs.add(source.tag!);
    expect(source.status, source.error ?? "").toBe("succeeded");
    const failedBefore = taskStates(source.id).filter((t) => t.endsWith(" failed")).map((t) => t.replace(/ failed$/, ""));
    expect(failedBefore.length).toBeGreaterThan(1);

    // The fix: the first failing module version of the RHEL 7 kernel is blocklisted, as on-call would.
    const [kernel, fixedVersion] = failedBefore[0]!.split(" ") as [string, string];
    fs.appendFileSync(path.join(workspacePath, "kernel-modules/BLOCKLIST"), `${kernel} ${fixedVersion} mod\n`);
    await git(workspacePath, ["commit", "-qam", "Blocklist a module version the RHEL 7 kernel cannot build"]);

    const rerunRoute = await import("@/app/api/builds/[id]/rerun/route");
    const params = { params: Promise.resolve({ id: String(source.id) }) };
    const preview = (await (await rerunRoute.GET(request("GET"), params)).json()) as { tasks: number };
    expect(preview.tasks).toBe(failedBefore.length);
    const response = await rerunRoute.POST(request("POST"), params);
    expect(response.status).toBe(201);
    const rerun = await waitForBuild(((await response.json()) as { id: number }).id);
    madeRefs.add(rerun.tag!);
    expect(rerun.status, rerun.error ?? "").toBe("succeeded");

    // Only those tasks ran: the fixed one was dropped by the BLOCKLIST, nothing built before ran again.
    const ran = shardsOf(rerun.id).flatMap((s) => taskStates(s.id)).filter((t) => / (built|failed|unavailable)$/.test(t)).map((t) => t.replace(/ \w+$/, ""));
    expect(ran.sort()).toEqual(failedBefore.filter((t) => t !== `${kernel} ${fixedVersion} mod`).sort());
    expect(taskStates(rerun.id)).toContain(`${kernel} ${fixedVersion} mod blocklisted`);
    // The image being completed is the base: every shard is merged onto it, none is the first image.
    expect(readLogLines(rerun.id, { limit: 100_000 }).some((l) => / arrived first/.test(l.text))).toBe(false);
    expect(mergedRefs(rerun.id).sort()).toEqual([...new Set(shardsOf(rerun.id).map((s) => s.tag!))].sort());
    // Merged onto the source's image: every driver it had is there.
    const before = contentOf(source).drivers;
    const after = contentOf(rerun).drivers;
    expect(before.filter((d) => !after.includes(d))).toEqual([]);
    expect(cellsOf(rerun.id, kernel)).toContain(`${fixedVersion} mod blocklisted`);
    // On-call sees the failures that are left, not the one the fix settled (its old log came with the merged image).
    const failuresRoute = await import("@/app/api/builds/[id]/failures/route");
    const listed = (await (await failuresRoute.GET(request("GET"), { params: Promise.resolve({ id: String(rerun.id) }) })).json()) as { groups: { failures: { kernel: string; moduleVersion: string; flavour: string }[] }[] };
    const stillFailing = listed.groups.flatMap((g) => g.failures.map((f) => `${f.kernel} ${f.moduleVersion} ${f.flavour}`)).sort();
    expect(stillFailing).toEqual(failedBefore.filter((t) => t !== `${kernel} ${fixedVersion} mod`).sort());
  }, 900_000);
});