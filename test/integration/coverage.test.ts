// Coverage and failure triage against real sample builds on the engine:
//   A  master, four bundles (not 6.12), no cache
//   C  master, all five bundles, A as cache, a BLOCKLIST rule for 6.12's probe
//   B  bpf-ringbuf, A's four bundles, no cache
//   E  master, cancelled while it runs
// Each build has its own uncommitted change (checkoutBeforePatching false), so
// the engine cannot reuse stages of earlier runs and the task lines are printed.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminRequest } from "./helpers/admin-request";
import { bundlesDir, docker, git } from "./helpers/driver-build";
import { freshDataDir, makeSampleWorkspace } from "./helpers/sample-data-dir";
import { waitForBuild } from "./helpers/wait-for-build";

const dataDir = freshDataDir("coverage");

const { getDb } = await import("@/lib/db/client");
const { bundles } = await import("@/lib/db/schema");
const { createBuild } = await import("@/lib/builds/create-build");
const { createBuildBodySchema } = await import("@/lib/builds/build-schemas");
const { cancelBuild } = await import("@/lib/builds/build-queue");
const { importSample } = await import("@/lib/workspace/import-sample");
const { createEngineClient } = await import("@/lib/docker/engine");
const { recordDriverImage } = await import("@/lib/driver-images/record-driver-image");
const { handleApiError } = await import("@/lib/http/api-error");
const { readWireCell } = await import("@/lib/coverage/coverage-wire");
const buildCoverageRoute = await import("@/app/api/builds/[id]/coverage/route");
const buildFailuresRoute = await import("@/app/api/builds/[id]/failures/route");
const failureRoute = await import("@/app/api/failures/[id]/route");
const compareRoute = await import("@/app/api/coverage/compare/route");
const imagesRoute = await import("@/app/api/images/route");
const inspectRoute = await import("@/app/api/images/inspect/route");
const imageRoute = await import("@/app/api/images/[id]/route");
const imageCoverageRoute = await import("@/app/api/images/[id]/coverage/route");
const imageFailuresRoute = await import("@/app/api/images/[id]/failures/route");

type Coverage = import("@/lib/coverage/coverage-view").CoverageView;
type Failures = import("@/lib/coverage/list-failures").FailuresView;
type Comparison = import("@/lib/coverage/coverage-view").ComparisonView;
type Image = import("@/lib/driver-images/image-view").ImageView;
type BuildView = Awaited<ReturnType<typeof waitForBuild>>;

const REPO = "kobuild-coverage-test";
const RUN = `${process.pid}-${Date.now().toString(36)}`;
const made: string[] = [];
const tagOf = (name: string) => {
  const tag = `${REPO}/collector-drivers:${name}-${RUN}`;
  made.push(tag);
  return tag;
};

let workspaceId = 0;
let workspacePath = "";
let realKernels: string[] = [];
let oldKernel = "";
let k612 = "";
let withoutK612: number[] = [];
let allBundles: number[] = [];
const built: Record<"A" | "B" | "C", BuildView | null> = { A: null, B: null, C: null };

const url = (p: string) => `http://127.0.0.1${p}`;
const params = (id: number | string) => ({ params: Promise.resolve({ id: String(id) }) });
const none = { params: Promise.resolve({}) };
async function json<T>(response: Response, status = 200): Promise<T> {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body).slice(0, 500)).toBe(status);
  return body;
}
const coverageOf = async (buildId: number) => json<Coverage>(await buildCoverageRoute.GET(new AdminRequest(url(`/api/builds/${buildId}/coverage`)), params(buildId)));
const failuresOf = async (buildId: number, query = "") => json<Failures>(await buildFailuresRoute.GET(new AdminRequest(url(`/api/builds/${buildId}/failures${query}`)), params(buildId)));
const compare = async (query: string, status = 200) => json<Comparison>(await compareRoute.GET(new AdminRequest(url(`/api/coverage/compare?${query}`)), none), status);
const inspect = async (body: unknown, status: number) =>
  json<Image & { error?: string }>(await inspectRoute.POST(new AdminRequest(url("/api/images/inspect"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }), none), status);

/** Makes the working tree's driver source unique to this build, so no stage comes from the engine's cache. */
function uniqueChange(label: string) {
  fs.appendFileSync(path.join(workspacePath, "kernel-modules/probe/main.c"), `/* coverage test ${RUN} ${label} */\n`);
}

async function build(body: Record<string, unknown>) {
  const queued = await createBuild(createBuildBodySchema.parse({ workspaceId, checkoutBeforePatching: false, ...body }));
  const done = await waitForBuild(queued.id);
  expect(done.error).toBeNull();
  expect(done.status).toBe("succeeded");
  return done;
}

beforeAll(async () => {
  workspacePath = makeSampleWorkspace(dataDir);
  const sample = await importSample({ workspacePath, bundleDir: bundlesDir });
  workspaceId = sample.workspace.id;
  const rows = getDb().select().from(bundles).all();
  realKernels = rows.filter((b) => b.version >= 4 && !b.kernel.startsWith("6.12.")).map((b) => b.kernel);
  oldKernel = rows.find((b) => b.version < 4)!.kernel;
  k612 = rows.find((b) => b.kernel.startsWith("6.12."))!.kernel;
  withoutK612 = rows.filter((b) => b.kernel !== k612).map((b) => b.id);
  allBundles = rows.map((b) => b.id);
  expect(realKernels.length).toBeGreaterThanOrEqual(3);
});

afterAll(async () => {
  for (const tag of made) await docker(["rmi", "-f", tag]).catch(() => undefined);
}, 120_000);

describe("the coverage of a sample build", () => {
  it("has built module and probe cells for the real kernels, and failed ones with a log for 3.10", async () => {
    uniqueChange("A");
    built.A = await build({ branch: "master", bundleIds: withoutK612, tag: tagOf("a") });
    const coverage = await coverageOf(built.A.id);
    expect(coverage.subject).toMatchObject({ kind: "build", id: built.A.id, status: "succeeded", image: { id: built.A.image!.id } });
    expect(coverage.tasksOf).toBe(built.A.id);
    expect(coverage.moduleVersions).toEqual(["2.2.0"]);
    expect(coverage.kernels.map((k) => k.name)).toEqual([oldKernel, ...realKernels]);
    expect(coverage.kernels.find((k) => k.name === oldKernel)!.family).toBe("el7");
    expect(coverage.cells).toHaveLength(coverage.kernels.length * 2);
    for (const kernel of realKernels) {
      expect(readWireCell(coverage, kernel, "2.2.0", "mod")?.state, kernel).toBe("built");
      expect(readWireCell(coverage, kernel, "2.2.0", "bpf")?.state, kernel).toBe("built");
    }
    expect(readWireCell(coverage, oldKernel, "2.2.0", "bpf")?.state).toBe("unavailable");
    const failed = readWireCell(coverage, oldKernel, "2.2.0", "mod")!;
    expect(failed.state).toBe("failed");
    expect(coverage.counts).toMatchObject({ built: realKernels.length * 2, failed: 1, unavailable: 1, cached: 0, blocklisted: 0, missing: 0 });

    const failure = await json<{ kernel: string; log: string; signature: string; line: string; builds: number[] }>(await failureRoute.GET(new AdminRequest(url(`/api/failures/${failed.failureId}`)), params(failed.failureId!)));
    expect(failure).toMatchObject({ kernel: oldKernel, moduleVersion: "2.2.0", flavour: "mod", builds: [built.A.id] });
    expect(failure.log).toMatch(/fatal error: .*: No such file or directory/);
    expect(failure.line).toMatch(/^\/.*main\.c:\d+:\d+: fatal error: /);
    expect(failure.signature).toMatch(/^main\.c: fatal error: linux\/[a-z]+\.h: No such file or directory$/);
  });

  it("groups the build's failures and filters them by flavour, module version and family", async () => {
    const all = await failuresOf(built.A!.id);
    expect(all.total).toBe(1);
    expect(all.groups).toHaveLength(1);
    expect(all.groups[0]).toMatchObject({ count: 1, kernels: [oldKernel], moduleVersions: ["2.2.0"], flavours: ["mod"], families: ["el7"] });
    expect(all.groups[0]!.failures[0]!.signature).toBe(all.groups[0]!.signature);
    expect((await failuresOf(built.A!.id, "?distro=el7&flavour=mod&moduleVersion=2.2.0")).total).toBe(1);
    expect((await failuresOf(built.A!.id, "?distro=debian")).total).toBe(0);
    expect((await failuresOf(built.A!.id, "?flavour=bpf")).total).toBe(0);
    const bad = await buildFailuresRoute.GET(new AdminRequest(url(`/api/builds/${built.A!.id}/failures?distro=windows`)), params(built.A!.id));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/distro: must be a kernel family/);
  });

  it("shows cached cells from the cache image and a blocklisted cell with its BLOCKLIST line", async () => {
    const blocklist = path.join(workspacePath, "kernel-modules/BLOCKLIST");
    fs.appendFileSync(blocklist, "6.12.*   *   bpf   # no probe for 6.12 in this test\n");
    const line = fs.readFileSync(blocklist, "utf8").trimEnd().split("\n").length;
    uniqueChange("C");
    const [cacheRepo, cacheTag] = built.A!.tag!.split("/collector-drivers:") as [string, string];
    built.C = await build({ branch: "master", bundleIds: allBundles, cacheRepo, cacheTag, tag: tagOf("c") });
    const coverage = await coverageOf(built.C.id);
    expect(coverage.kernels.map((k) => k.name)).toEqual([oldKernel, ...realKernels, k612]);
    for (const kernel of realKernels) {
      expect(readWireCell(coverage, kernel, "2.2.0", "mod")?.state, kernel).toBe("cached");
      expect(readWireCell(coverage, kernel, "2.2.0", "bpf")?.state, kernel).toBe("cached");
    }
    expect(readWireCell(coverage, k612, "2.2.0", "mod")?.state).toBe("built");
    expect(readWireCell(coverage, k612, "2.2.0", "bpf")).toEqual({ state: "blocklisted", failureId: null, rule: { file: "kernel-modules/BLOCKLIST", line, text: "6.12.* * bpf" } });
    // 3.10's module is not in the cache (it failed): tried again, failed again, with this build's log.
    expect(readWireCell(coverage, oldKernel, "2.2.0", "mod")).toMatchObject({ state: "failed", failureId: expect.any(Number) });
    // Its marker came from the cache: still no probe, not a cached driver.
    expect(readWireCell(coverage, oldKernel, "2.2.0", "bpf")?.state).toBe("unavailable");
    expect(coverage.blocklistRules).toEqual([{ file: "kernel-modules/BLOCKLIST", line, text: "6.12.* * bpf" }]);
    expect(coverage.counts).toMatchObject({ cached: realKernels.length * 2, built: 1, blocklisted: 1, failed: 1, unavailable: 1, missing: 0, notPlanned: 0 });
    await git(workspacePath, ["checkout", "--", "kernel-modules/BLOCKLIST"]);
  });

  it("compares a master build with a bpf-ringbuf build: exactly the 6.1 probes regress", async () => {
    await git(workspacePath, ["checkout", "-q", "-f", "bpf-ringbuf"]);
    uniqueChange("B");
    built.B = await build({ branch: "bpf-ringbuf", bundleIds: withoutK612, tag: tagOf("b") });
    const ringbuf = await coverageOf(built.B.id);
    expect(ringbuf.moduleVersions).toEqual(["2.3.0"]);

    const expected = realKernels.filter((k) => k.startsWith("6.1.")).map((k) => `regression ${k} bpf 2.2.0->2.3.0 built->failed`);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    for (const query of [`from=${built.A!.id}&to=${built.B.id}`, `from=build:${built.A!.id}&to=image:${built.B.image!.id}`]) {
      const result = await compare(query);
      expect(result.changes.map((c) => `${c.kind} ${c.kernel} ${c.flavour} ${c.fromModuleVersion}->${c.toModuleVersion} ${c.from}->${c.to}`)).toEqual(expected);
      expect(result.counts).toEqual({ regressions: expected.length, fixes: 0, changes: 0, unchanged: ringbuf.cells.length - expected.length });
      expect(result.changes.every((c) => c.failureId !== null)).toBe(true);
    }
    const back = await compare(`from=build:${built.B.id}&to=build:${built.A!.id}`);
    expect(back.changes.map((c) => c.kind)).toEqual(expected.map(() => "fix"));

    const failures = await failuresOf(built.B.id, "?flavour=bpf");
    expect(failures.groups).toHaveLength(1);
    expect(failures.groups[0]).toMatchObject({
      signature: "probe.c: error: use of undeclared identifier 'BPF_MAP_TYPE_CGRP_STORAGE'; did you mean 'BPF_MAP_TYPE_CGROUP_STORAGE'?",
      count: expected.length,
      moduleVersions: ["2.3.0"],
      flavours: ["bpf"],
    });
    await git(workspacePath, ["checkout", "-q", "-f", "master"]);
  });

  it("refuses a comparison it cannot read", async () => {
    expect((await compare("from=job:1&to=2", 400)) as unknown).toMatchObject({ error: expect.stringMatching(/from: must be build:<id>, image:<id> or a build id/) });
    expect((await compare(`from=${built.A!.id}`, 400)) as unknown).toMatchObject({ code: "bad_request" });
    expect((await compare(`from=${built.A!.id}&to=image:99999`, 404)) as unknown).toMatchObject({ error: "no image with id 99999" });
  });

  it("answers 404 for an unknown build and 400 for a bad id", async () => {
    expect((await buildCoverageRoute.GET(new AdminRequest(url("/api/builds/99999/coverage")), params(99999))).status).toBe(404);
    expect((await buildCoverageRoute.GET(new AdminRequest(url("/api/builds/x/coverage")), params("x"))).status).toBe(400);
    expect((await imageCoverageRoute.GET(new AdminRequest(url("/api/images/99999/coverage")), params(99999))).status).toBe(404);
    expect((await failureRoute.GET(new AdminRequest(url("/api/failures/99999")), params(99999))).status).toBe(404);
  });

  it("gives a build without an image its planned cells: missing while it runs and after it is cancelled", async () => {
    uniqueChange("E");
    const queued = await createBuild(createBuildBodySchema.parse({ workspaceId, checkoutBeforePatching: false, branch: "master", buildJobs: 1, tag: tagOf("e") }));
    await waitForBuild(queued.id, (b) => (b.plan.done ?? 0) >= 1, 300_000);
    const running = await coverageOf(queued.id);
    expect(running.subject).toMatchObject({ status: "running", image: null });
    expect(running.counts.missing).toBeGreaterThan(0);
    expect(cancelBuild(queued.id)).toBe(true);
    const cancelled = await waitForBuild(queued.id);
    expect(cancelled.status).toBe("cancelled");
    const after = await coverageOf(queued.id);
    expect(after.subject).toMatchObject({ status: "cancelled", image: null });
    expect(after.kernels.map((k) => k.name).sort()).toEqual([oldKernel, ...realKernels, k612].sort());
    expect(after.counts.missing).toBeGreaterThan(0);
    expect(after.counts.cached + after.counts.blocklisted).toBe(0);
    expect(Object.values(after.counts).reduce((a, b) => a + b, 0)).toBe(after.cells.length);
  });
});

describe("reading a driver image by reference", () => {
  it("reads a build's result tag again and gives the same coverage as the build", async () => {
    const a = built.A!;
    // The same image id was read when the build ended: that record answers.
    const known = await inspect({ ref: a.tag }, 200);
    expect(known).toMatchObject({ id: a.image!.id, builds: [a.id], moduleVersions: ["2.2.0"], failures: 1 });
    const fresh = await inspect({ ref: a.tag, reread: true }, 201);
    expect(fresh.id).not.toBe(a.image!.id);
    expect(fresh).toMatchObject({ ref: a.tag, dockerId: known.dockerId, drivers: known.drivers, markers: known.markers, failures: 1, kernels: known.kernels, builds: [] });

    const fromImage = await json<Coverage>(await imageCoverageRoute.GET(new AdminRequest(url(`/api/images/${fresh.id}/coverage`)), params(fresh.id)));
    const fromBuild = await coverageOf(a.id);
    expect(fromImage.subject).toMatchObject({ kind: "image", id: fresh.id, ref: a.tag });
    expect(fromImage.kernels).toEqual(fromBuild.kernels);
    expect(fromImage.moduleVersions).toEqual(fromBuild.moduleVersions);
    expect(fromImage.cells).toBe(fromBuild.cells);
    const imageFailures = await json<Failures>(await imageFailuresRoute.GET(new AdminRequest(url(`/api/images/${fresh.id}/failures`)), params(fresh.id)));
    expect(imageFailures.groups.map((g) => [g.signature, g.count])).toEqual((await failuresOf(a.id)).groups.map((g) => [g.signature, g.count]));

    expect(await json<Image>(await imageRoute.GET(new AdminRequest(url(`/api/images/${fresh.id}`)), params(fresh.id)))).toEqual(fresh);
    const listed = await json<{ total: number; images: Image[] }>(await imagesRoute.GET(new AdminRequest(url("/api/images")), none));
    expect(listed.images[0]!.id).toBe(fresh.id);
    expect(listed.images.map((i) => i.id)).toEqual(expect.arrayContaining([a.image!.id, built.B!.image!.id, built.C!.image!.id]));
  });

  it("refuses a bad reference (400), an image the engine lacks (404) and an image without drivers (422)", async () => {
    expect(await inspect({ ref: "Kobuild/Drivers:1" }, 400)).toMatchObject({ error: expect.stringMatching(/lowercase/) });
    expect(await inspect({ ref: "kobuild/drivers:1", colour: "red" }, 400)).toMatchObject({ code: "bad_request" });
    expect(await inspect({}, 400)).toMatchObject({ error: expect.stringMatching(/^ref:/) });
    expect(await inspect({ ref: `${REPO}/collector-drivers:missing-${RUN}` }, 404)).toMatchObject({ error: `no such image ${REPO}/collector-drivers:missing-${RUN}` });
    expect(await inspect({ ref: "kobuild/toolchain:bookworm-1" }, 422)).toMatchObject({ error: expect.stringMatching(/not a driver image/) });
  });

  it("answers 503 when the engine does not answer", async () => {
    const dead = createEngineClient({ dockerHost: `unix://${path.join(dataDir, "no-engine.sock")}` });
    const error = await recordDriverImage({ ref: "kobuild/drivers:1" }, { engine: dead }).catch((e: unknown) => e);
    const response = handleApiError(error);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toMatch(/cannot be reached/);
  });
});
