import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AdminRequest } from "./helpers/admin-request";
import { bundlesDir, docker, listBundleKernels, makeContext } from "./helpers/driver-build";
import { freshDataDir, makeSampleWorkspace } from "./helpers/sample-data-dir";
import { waitForBuild } from "./helpers/wait-for-build";

const dataDir = freshDataDir("engine");

const { getDb } = await import("@/lib/db/client");
const { bundles, drivers, failures, tasks } = await import("@/lib/db/schema");
const { createBuild } = await import("@/lib/builds/create-build");
const { createBuildBodySchema } = await import("@/lib/builds/build-schemas");
const { cancelBuild } = await import("@/lib/builds/build-queue");
const { getBuildView } = await import("@/lib/builds/get-build");
const { readLogLines } = await import("@/lib/builds/read-log-lines");
const { parseDockerfileStages } = await import("@/lib/builds/dockerfile-stages");
const { importSample } = await import("@/lib/workspace/import-sample");
const { registerWorkspace } = await import("@/lib/workspace/register-workspace");
const { eq } = await import("drizzle-orm");
const eventsRoute = await import("@/app/api/builds/[id]/events/route");
const buildRoute = await import("@/app/api/builds/[id]/route");
const logsRoute = await import("@/app/api/builds/[id]/logs/route");

let workspaceId = 0;
let workspacePath = "";
let stageNames: string[] = [];
let realKernels: string[] = [];
let oldKernels: string[] = [];

async function start(body: Record<string, unknown>) {
  return await createBuild(createBuildBodySchema.parse({ workspaceId, checkoutBeforePatching: false, ...body }));
}

function imageDrivers(imageId: number) {
  return getDb().select().from(drivers).where(eq(drivers.imageId, imageId)).all();
}

beforeAll(async () => {
  workspacePath = makeSampleWorkspace(dataDir);
  // An uncommitted change unique to this run (built with checkoutBeforePatching
  // false): the engine's cache of earlier runs must not turn this file's first
  // build into a cached one.
  fs.appendFileSync(path.join(workspacePath, "kernel-modules/probe/main.c"), `/* test run ${process.pid} ${Date.now()} */\n`);
  const sample = await importSample({ workspacePath, bundleDir: bundlesDir });
  workspaceId = sample.workspace.id;
  stageNames = parseDockerfileStages(fs.readFileSync(path.join(workspacePath, sample.workspace.dockerfile), "utf8"));
  const rows = getDb().select().from(bundles).all();
  realKernels = rows.filter((b) => b.version >= 4).map((b) => b.kernel);
  oldKernels = rows.filter((b) => b.version < 4).map((b) => b.kernel);
  expect(realKernels.length).toBeGreaterThanOrEqual(4);
  expect(oldKernels.length).toBeGreaterThanOrEqual(1);
});

describe("a driver build through dockerode", () => {
  let first: ReturnType<typeof getBuildView>;

  it("runs every stage, stores their logs and reads the drivers out of the image", async () => {
    const queued = await start({ branch: "master" });
    expect(queued.status).toMatch(/queued|running/);
    first = await waitForBuild(queued.id);
    expect(first.error).toBeNull();
    expect(first.status).toBe("succeeded");
    expect(first.builder).toBe("buildkit");
    expect(first.stages.map((s) => s.name)).toEqual(stageNames);
    for (const s of first.stages) expect(["done", "cached"]).toContain(s.status);
    for (const stage of ["patcher", "task-master", "rhel-8-builder", "rhel-7-builder"]) {
      expect(readLogLines(first.id, { stage, limit: 5 }).length, `log of ${stage}`).toBeGreaterThan(0);
    }

    // Progress: every planned task was reported done, per builder.
    const planned = getDb().select().from(tasks).where(eq(tasks.buildId, first.id)).all();
    expect(first.plan.planned).toBe(planned.length);
    expect(first.plan.done).toBe(planned.length);
    expect(first.plan.builders["rhel-8"]?.planned).toBe(planned.filter((t) => t.builder === "rhel-8").length);
    expect(first.plan.builders["rhel-7"]?.failed).toBeGreaterThanOrEqual(1);

    // Drivers: a module and an eBPF probe for every real kernel; the 3.x one failed and has a marker.
    const stored = imageDrivers(first.image!.id);
    for (const kernel of realKernels) {
      for (const flavour of ["mod", "bpf"] as const) {
        const d = stored.find((x) => x.kernel === kernel && x.flavour === flavour && x.kind === "driver");
        expect(d, `${flavour} driver for ${kernel}`).toBeDefined();
        expect(d!.size).toBeGreaterThan(0);
      }
    }
    for (const kernel of oldKernels) {
      expect(stored.some((x) => x.kernel === kernel && x.flavour === "bpf" && x.kind === "marker")).toBe(true);
      const failed = getDb().select().from(failures).where(eq(failures.imageId, first.image!.id)).all().find((f) => f.kernel === kernel && f.flavour === "mod");
      expect(failed?.log).toMatch(/fatal error: .*: No such file or directory/);
    }

    // The stored sha256 is the one of the file in the image, read independently with the CLI.
    const sampleDriver = stored.find((d) => d.kind === "driver")!;
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-cp-"));
    const container = (await docker(["create", first.tag!, "/none"])).trim();
    try {
      await docker(["cp", `${container}:${sampleDriver.path}`, out]);
    } finally {
      await docker(["rm", container]);
    }
    const bytes = fs.readFileSync(path.join(out, path.basename(sampleDriver.path)));
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(sampleDriver.sha256);
  });

  it("shows every stage as cached when nothing changed", async () => {
    const again = await waitForBuild((await start({ branch: "master" })).id);
    expect(again.status).toBe("succeeded");
    const ran = again.stages.filter((s) => s.status !== "skipped");
    expect(ran.map((s) => s.name)).toEqual(stageNames);
    expect(ran.filter((s) => s.status !== "cached").map((s) => `${s.name}: ${s.status}`)).toEqual([]);
    // No builder ran: no task of this build started (how much time that saves is `npm run bench -- engine`'s).
    expect(readLogLines(again.id, { limit: 1_000_000 }).filter((l) => /KOBUILD-TASK start/.test(l.text))).toEqual([]);
    // Same drivers, same bytes.
    const key = (d: { kernel: string; moduleVersion: string; flavour: string; sha256: string | null }) => `${d.kernel} ${d.moduleVersion} ${d.flavour} ${d.sha256}`;
    expect(imageDrivers(again.image!.id).map(key).sort()).toEqual(imageDrivers(first.image!.id).map(key).sort());
  });

  it("yields the same drivers and failures as the same build with the docker CLI", async () => {
    const ctx = makeContext(workspacePath, listBundleKernels(), "cli");
    const tag = `kobuild-test/cli:${process.pid}`;
    await docker(["build", "--network", "none", "-q", "-f", path.join(ctx, "collector/kernel-modules/dockerized/Dockerfile"), "--build-arg", "CHECKOUT_BEFORE_PATCHING=false", "-t", tag, ctx]);
    fs.rmSync(ctx, { recursive: true, force: true });
    const { readDriverImage } = await import("@/lib/docker/image/read-driver-image");
    const { getDefaultEngine } = await import("@/lib/docker/engine");
    const cli = await readDriverImage(getDefaultEngine(), tag);
    await docker(["rmi", tag]);
    const identity = (d: { kernel: string; moduleVersion: string; flavour: string; kind?: string }) => `${d.kernel} ${d.moduleVersion} ${d.flavour} ${d.kind ?? "failure"}`;
    expect(cli.drivers.map(identity).sort()).toEqual(imageDrivers(first.image!.id).map(identity).sort());
    const ours = getDb().select().from(failures).where(eq(failures.imageId, first.image!.id)).all();
    expect(cli.failures.map(identity).sort()).toEqual(ours.map(identity).sort());
  });

  it("builds nothing on a cache that already holds every driver of its kernels", async () => {
    const real = getDb().select().from(bundles).all().filter((b) => b.version >= 4);
    const [cacheRepo, cacheTag] = [first.tag!.slice(0, first.tag!.lastIndexOf("/")), first.tag!.split(":")[1]];
    const cached = await waitForBuild((await start({ branch: "master", bundleIds: real.map((b) => b.id), cacheRepo, cacheTag })).id);
    expect(cached.status).toBe("succeeded");
    expect(cached.plan.planned).toBe(0);
    expect(readLogLines(cached.id, { stage: "task-master", limit: 100 }).map((l) => l.text).join("\n")).toMatch(/to build: 0/);
    // Every driver of those kernels is still in the result, taken from the cache.
    const wanted = imageDrivers(first.image!.id).filter((d) => real.some((b) => b.kernel === d.kernel)).map((d) => `${d.kernel} ${d.moduleVersion} ${d.flavour} ${d.sha256}`);
    const got = imageDrivers(cached.image!.id).map((d) => `${d.kernel} ${d.moduleVersion} ${d.flavour} ${d.sha256}`);
    expect(got).toEqual(expect.arrayContaining(wanted));
  });

  it("keeps the error and the failing step of a build that fails in a stage", async () => {
    // A checkout whose task master breaks, as a user's local change might.
    const broken = fs.mkdtempSync(path.join(dataDir, "broken-"));
    execFileSync("git", ["clone", "-q", workspacePath, broken]);
    const script = path.join(broken, "kernel-modules/dockerized/scripts/get-build-tasks.sh");
    fs.writeFileSync(script, "#!/bin/sh\necho 'task master: cannot read the bundles' >&2\nexit 3\n");
    const ws = await registerWorkspace({ name: "broken", path: broken, network: "none" });
    const build = await waitForBuild((await createBuild(createBuildBodySchema.parse({ workspaceId: ws.id, checkoutBeforePatching: false }))).id);
    expect(build.status).toBe("failed");
    expect(build.failedStep).toMatch(/^\[task-master \d+\/\d+\] RUN /);
    expect(build.error).toMatch(/exit code: 3/);
    expect(build.stages.find((s) => s.name === "task-master")?.status).toBe("failed");
    const taskMasterLog = readLogLines(build.id, { stage: "task-master" }).map((l) => l.text);
    expect(taskMasterLog).toContain("task master: cannot read the bundles");
  });

  it("cancels a running build and leaves no container behind", async () => {
    const containersBefore = (await docker(["ps", "-aq"])).trim();
    // One job per builder makes this build differ from the cached ones, so it has to compile.
    const build = await start({ branch: "master", buildJobs: 1, legacyProbes: true });
    await waitForBuild(build.id, (b) => (b.plan.done ?? 0) >= 1, 300_000);
    expect(cancelBuild(build.id)).toBe(true);
    const cancelled = await waitForBuild(build.id);
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.stages.some((s) => s.status === "cancelled")).toBe(true);
    expect(cancelled.image).toBeNull();
    expect((await docker(["ps", "-aq"])).trim()).toBe(containersBefore);
    expect(cancelBuild(build.id)).toBe(false);
  });
});

describe("the classic builder and live events", () => {
  it("builds with the classic builder into the same stages, while an SSE client disconnects and resumes without a gap", async () => {
    const build = await start({ branch: "master", builder: "classic" });
    const url = `http://127.0.0.1/api/builds/${build.id}/events`;
    const params = { params: Promise.resolve({ id: String(build.id) }) };

    // Read part of the stream, then drop the connection.
    const firstPart = await readEvents(await eventsRoute.GET(new AdminRequest(url), params), 40);
    expect(firstPart.logIds.length).toBeGreaterThan(0);
    const lastId = firstPart.logIds[firstPart.logIds.length - 1]!;

    // Reconnect where the browser would: with Last-Event-ID.
    const rest = await readEvents(await eventsRoute.GET(new AdminRequest(url, { headers: { "Last-Event-ID": String(lastId) } }), params), Infinity);
    expect(rest.ended).toBe(true);

    const done = getBuildView(build.id);
    expect(done.status).toBe("succeeded");
    expect(done.builder).toBe("classic");
    expect(done.stages.map((s) => s.name)).toEqual(stageNames);
    const all = readLogLines(build.id, { limit: 1_000_000 });
    const received = [...firstPart.logIds, ...rest.logIds];
    expect(received).toEqual(all.map((l) => l.seq));
    expect([...firstPart.texts, ...rest.texts]).toEqual(all.map((l) => l.text));
  });
});

describe("the queue", () => {
  it("runs one build at a time per engine, first in first out", async () => {
    const a = await start({ branch: "master", target: "patcher" });
    const b = await start({ branch: "master", target: "task-master" });
    const c = await start({ branch: "master", target: "rhel-8-base" });
    expect(getBuildView(b.id).status).toBe("queued");
    expect(getBuildView(c.id).status).toBe("queued");
    const done = [await waitForBuild(a.id), await waitForBuild(b.id), await waitForBuild(c.id)];
    expect(done.map((d) => d.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    // Each started after the one before it had finished.
    expect(done[1]!.startedAt!.getTime()).toBeGreaterThanOrEqual(done[0]!.finishedAt!.getTime());
    expect(done[2]!.startedAt!.getTime()).toBeGreaterThanOrEqual(done[1]!.finishedAt!.getTime());
  });
});

describe("Red Hat credentials", () => {
  it("reach the build but appear nowhere kobuild stores or serves", async () => {
    const username = `rh-user-${process.pid}-${Date.now()}`;
    const password = `rh-pass-${Math.random().toString(36).slice(2)}-secret`;
    const build = await waitForBuild((await start({ branch: "master", target: "rhel-8-base", redhatUsername: username, redhatPassword: password })).id);
    expect(build.status).toBe("succeeded");
    expect(build.options).toMatchObject({ redhatCredentials: true });

    const params = { params: Promise.resolve({ id: String(build.id) }) };
    const served = [
      await (await buildRoute.GET(new AdminRequest(`http://127.0.0.1/api/builds/${build.id}`), params)).text(),
      await (await logsRoute.GET(new AdminRequest(`http://127.0.0.1/api/builds/${build.id}/logs`), params)).text(),
      await (await eventsRoute.GET(new AdminRequest(`http://127.0.0.1/api/builds/${build.id}/events`), params)).text(),
    ];
    expect(served[1]).toMatch(/registration/i);
    getDb().$client.pragma("wal_checkpoint(TRUNCATE)");
    const stored = ["kobuild.db", "kobuild.db-wal"].filter((f) => fs.existsSync(path.join(dataDir, f))).map((f) => fs.readFileSync(path.join(dataDir, f)));
    for (const secret of [username, password]) {
      for (const text of served) expect(text).not.toContain(secret);
      for (const bytes of stored) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
  });
});

/** Reads SSE frames until `maxLogs` log events were seen or the stream ends. */
async function readEvents(response: Response, maxLogs: number) {
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const logIds: number[] = [];
  const texts: string[] = [];
  let buffer = "";
  let ended = false;
  while (logIds.length < maxLogs) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf("\n\n")) >= 0 && logIds.length < maxLogs) {
      const frame = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const fields = Object.fromEntries(frame.split("\n").filter((l) => !l.startsWith(":")).map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]));
      if (fields.event === "log") {
        logIds.push(Number(fields.id));
        texts.push((JSON.parse(fields.data!) as { text: string }).text);
      }
      if (fields.event === "end") ended = true;
    }
  }
  await reader.cancel();
  return { logIds, texts, ended };
}
