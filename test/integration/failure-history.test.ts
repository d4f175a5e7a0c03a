// Trends and failure history from three real sample builds on the engine:
//   A  the 3.10 and 6.12 bundles: 3.10 fails for want of headers
//   B  the same, with a change that breaks 6.12's kernel module: a new group
//   C  6.12 alone, the change undone: the 6.12 group is fixed, and the 3.10
//      group stays as it was, since C did not plan its task
// Each build has its own uncommitted change (checkoutBeforePatching false),
// so that the engine runs its builders and their task lines are printed.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminRequest } from "./helpers/admin-request";
import { bundlesDir, docker } from "./helpers/driver-build";
import { freshDataDir, makeSampleWorkspace } from "./helpers/sample-data-dir";
import { waitForBuild } from "./helpers/wait-for-build";

const dataDir = freshDataDir("failure-history");

const { getDb } = await import("@/lib/db/client");
const { auditLog, buildDigests, bundles, failureGroups, users } = await import("@/lib/db/schema");
const { createBuild } = await import("@/lib/builds/create-build");
const { createBuildBodySchema } = await import("@/lib/builds/build-schemas");
const { createApiToken } = await import("@/lib/auth/api-tokens");
const { importSample } = await import("@/lib/workspace/import-sample");
const trendsRoute = await import("@/app/api/trends/route");
const groupsRoute = await import("@/app/api/failure-groups/route");
const groupRoute = await import("@/app/api/failure-groups/[id]/route");
const acknowledgeRoute = await import("@/app/api/failure-groups/[id]/acknowledgements/route");
const buildCoverageRoute = await import("@/app/api/builds/[id]/coverage/route");

type Trends = import("@/lib/trends/list-trends").WorkspaceTrends;
type Groups = import("@/lib/failure-groups/list-failure-groups").FailureGroupsView;
type Group = import("@/lib/failure-groups/get-failure-group").FailureGroupDetail;
type Coverage = import("@/lib/coverage/coverage-view").CoverageView;

const REPO = "kobuild-failure-history-test";
const RUN = `${process.pid}-${Date.now().toString(36)}`;
const made: string[] = [];
const tagOf = (name: string) => {
  const tag = `${REPO}/collector-drivers:${name}-${RUN}`;
  made.push(tag);
  return tag;
};

const url = (p: string) => `http://127.0.0.1${p}`;
const none = { params: Promise.resolve({}) };
const params = (id: number | string) => ({ params: Promise.resolve({ id: String(id) }) });
async function json<T>(response: Response, status = 200): Promise<T> {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body).slice(0, 500)).toBe(status);
  return body;
}
const trends = async (query: string, status = 200) => json<Trends & { error?: string }>(await trendsRoute.GET(new AdminRequest(url(`/api/trends?${query}`)), none), status);
const groups = async (query: string, status = 200) => json<Groups & { error?: string }>(await groupsRoute.GET(new AdminRequest(url(`/api/failure-groups?${query}`)), none), status);
const group = async (id: number) => json<Group>(await groupRoute.GET(new AdminRequest(url(`/api/failure-groups/${id}`)), params(id)));
const acknowledge = (id: number, body: unknown, token?: string) =>
  acknowledgeRoute.POST(
    new AdminRequest(url(`/api/failure-groups/${id}/acknowledgements`), { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) }),
    params(id),
  );

let workspaceId = 0;
let workspacePath = "";
let oldKernel = "";
let k612 = "";
let oldBundle = 0;
let bundle612 = 0;
const ids = { A: 0, B: 0, C: 0 };
let mainSource = "";

/** The driver source as this build compiles it: a comment of its own, and for B an error on 6.12 and later. */
function changeSource(label: string, break612: boolean) {
  const file = path.join(workspacePath, "kernel-modules/probe/main.c");
  const extra = break612 ? `#include <linux/version.h>\n#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)\n#error not ported to 6.12 yet\n#endif\n` : "";
  fs.writeFileSync(file, `${mainSource}/* failure history test ${RUN} ${label} */\n${extra}`);
}

async function build(label: string, bundleIds: number[]) {
  const queued = await createBuild(createBuildBodySchema.parse({ workspaceId, checkoutBeforePatching: false, branch: "master", bundleIds, buildJobs: 1, tag: tagOf(label.toLowerCase()) }));
  const done = await waitForBuild(queued.id);
  expect(done.error).toBeNull();
  expect(done.status).toBe("succeeded");
  return done.id;
}

beforeAll(async () => {
  workspacePath = makeSampleWorkspace(dataDir);
  const sample = await importSample({ workspacePath, bundleDir: bundlesDir });
  workspaceId = sample.workspace.id;
  mainSource = fs.readFileSync(path.join(workspacePath, "kernel-modules/probe/main.c"), "utf8");
  const rows = getDb().select().from(bundles).all();
  const old = rows.find((b) => b.version < 4)!;
  const newest = rows.find((b) => b.kernel.startsWith("6.12."))!;
  [oldKernel, oldBundle, k612, bundle612] = [old.kernel, old.id, newest.kernel, newest.id];
});

afterAll(async () => {
  for (const tag of made) await docker(["rmi", "-f", tag]).catch(() => undefined);
}, 120_000);

describe("failure groups over real builds", () => {
  it("counts a build when it ends, and its failure is a new group", async () => {
    changeSource("A", false);
    ids.A = await build("A", [oldBundle, bundle612]);
    // Counted by the build's own end, before anything asked for trends.
    expect(getDb().select().from(buildDigests).all()).toEqual([expect.objectContaining({ buildId: ids.A, hasImage: true, kernels: 2 })]);
    const view = await groups(`workspaceId=${workspaceId}`);
    expect(view).toMatchObject({ latestBuildId: ids.A, counts: { new: 1, ongoing: 0, fixed: 0 } });
    expect(view.groups[0]).toMatchObject({ state: "new", firstSeen: { buildId: ids.A }, lastSeen: { buildId: ids.A }, builds: 1, kernels: 1, acknowledgement: null });
    expect(view.groups[0]!.signature).toMatch(/^main\.c: fatal error: linux\/[a-z]+\.h: No such file or directory$/);
  });

  it("marks the next build's new failure new and the earlier one ongoing", async () => {
    changeSource("B", true);
    ids.B = await build("B", [oldBundle, bundle612]);
    const view = await groups(`workspaceId=${workspaceId}`);
    expect(view.counts).toEqual({ new: 1, ongoing: 1, fixed: 0 });
    const [fresh, old] = view.groups;
    expect(fresh).toMatchObject({ state: "new", signature: "main.c: error: #error not ported to <n>.<n> yet", firstSeen: { buildId: ids.B }, kernels: 1 });
    expect(old).toMatchObject({ state: "ongoing", firstSeen: { buildId: ids.A }, lastSeen: { buildId: ids.B }, builds: 2 });
    expect((await groups(`workspaceId=${workspaceId}&state=ongoing`)).groups.map((g) => g.id)).toEqual([old!.id]);
  });

  it("calls a group fixed once a build that planned its task built it, and leaves alone what the build did not plan", async () => {
    changeSource("C", false);
    ids.C = await build("C", [bundle612]);
    const view = await groups(`workspaceId=${workspaceId}`);
    expect(view).toMatchObject({ latestBuildId: ids.C, counts: { new: 0, ongoing: 1, fixed: 1 } });
    const [headers, ported] = view.groups;
    expect(headers).toMatchObject({ state: "ongoing", lastSeen: { buildId: ids.B }, lastClear: null });
    expect(ported).toMatchObject({ state: "fixed", lastSeen: { buildId: ids.B }, lastClear: { buildId: ids.C } });

    const detail = await group(ported!.id);
    expect(detail.workspace).toEqual({ id: workspaceId, name: "sample" });
    expect(detail.history.map((h) => [h.buildId, h.failures, h.kernels])).toEqual([[ids.B, 1, 1]]);
    expect(detail.cells).toEqual([{ kernel: k612, moduleVersion: "2.2.0", flavour: "mod", firstBuildId: ids.B, lastBuildId: ids.B, stillFailing: false }]);
    expect(detail.example).toMatchObject({ kernel: k612, moduleVersion: "2.2.0", flavour: "mod" });
    expect(detail.example!.log).toContain("#error not ported to 6.12 yet");
    const headersDetail = await group(headers!.id);
    expect(headersDetail.history.map((h) => h.buildId)).toEqual([ids.B, ids.A]);
    expect(headersDetail.cells).toEqual([expect.objectContaining({ kernel: oldKernel, flavour: "mod", firstBuildId: ids.A, lastBuildId: ids.B, stillFailing: true })]);
  });

  it("gives one point per build with the grid's own counts and the drop of the kernel modules", async () => {
    const view = await trends(`workspaceId=${workspaceId}`);
    expect(view).toMatchObject({ workspace: { id: workspaceId, name: "sample" }, branch: "master", branches: ["master"], moduleVersions: ["2.2.0"] });
    expect(view.points.map((p) => p.build.id)).toEqual([ids.A, ids.B, ids.C]);
    for (const point of view.points) {
      const coverage = await json<Coverage>(await buildCoverageRoute.GET(new AdminRequest(url(`/api/builds/${point.build.id}/coverage`)), params(point.build.id)));
      const [grid] = coverage.perModuleVersion;
      expect(point.kernels).toBe(coverage.kernels.length);
      for (const column of point.columns) {
        const counts = grid![column.flavour];
        expect(column, `build ${point.build.id} ${column.flavour}`).toMatchObject({ withDriver: counts.built + counts.cached, built: counts.built, cached: counts.cached, failed: counts.failed, unavailable: counts.unavailable, blocklisted: counts.blocklisted });
      }
    }
    const mod = view.points.map((p) => p.columns.find((c) => c.flavour === "mod")!.coverage);
    // A: 6.12 of 3.10 and 6.12; B: neither; C: 6.12 alone.
    expect(mod).toEqual([0.5, 0, 1]);
    // 3.10 has no eBPF probe to build: unavailable, not counted against the probes.
    expect(view.points.map((p) => p.columns.find((c) => c.flavour === "bpf")!.coverage)).toEqual([1, 1, 1]);
    expect(view.series.find((s) => s.flavour === "mod")).toMatchObject({ latest: 1, lastDrop: { buildId: ids.B, from: 0.5, to: 0 }, lags: false });
  });

  it("counts builds that ended before on first use, to the same groups and points", async () => {
    const before = { groups: await groups(`workspaceId=${workspaceId}`), trends: await trends(`workspaceId=${workspaceId}`) };
    const db = getDb();
    db.delete(failureGroups).run();
    db.delete(buildDigests).run();
    const after = { groups: await groups(`workspaceId=${workspaceId}`), trends: await trends(`workspaceId=${workspaceId}`) };
    const shape = (v: Groups) => v.groups.map((g) => ({ ...g, id: undefined }));
    expect(shape(after.groups)).toEqual(shape(before.groups));
    expect(after.trends.points).toEqual(before.trends.points);
    expect(db.select().from(buildDigests).all()).toHaveLength(3);
  });

  it("keeps on-call's acknowledgements as the hand-off, in the audit log", async () => {
    const [headers] = (await groups(`workspaceId=${workspaceId}&state=ongoing`)).groups;
    const db = getDb();
    const operator = db.insert(users).values({ name: "oncall-bob", role: "operator" }).returning().get();
    const viewer = db.insert(users).values({ name: "viewer-vic", role: "viewer" }).returning().get();
    const first = await json<{ by: string; owner: string; note: string }>(await acknowledge(headers!.id, { note: "3.10 bundles ship no headers: el7 needs kernel-devel" }), 201);
    expect(first).toMatchObject({ by: "integration-admin", owner: "integration-admin" });
    await json(await acknowledge(headers!.id, { note: "Handing over: asked the bundle owners for el7 headers", owner: "oncall-bob" }), 201);
    const detail = await group(headers!.id);
    expect(detail.acknowledgement).toMatchObject({ by: "integration-admin", owner: "oncall-bob", note: "Handing over: asked the bundle owners for el7 headers" });
    expect(detail.notes.map((n) => [n.by, n.owner])).toEqual([
      ["integration-admin", "oncall-bob"],
      ["integration-admin", "integration-admin"],
    ]);
    const audited = db.select().from(auditLog).all().filter((a) => a.action === `POST /api/failure-groups/${headers!.id}/acknowledgements`);
    expect(audited.map((a) => [a.actor, a.status])).toEqual([
      ["integration-admin", 201],
      ["integration-admin", 201],
    ]);

    // Refusals say why, and leave no note behind.
    const refuse = async (body: unknown, status: number, message: RegExp, token?: string) => expect((await json<{ error: string }>(await acknowledge(headers!.id, body, token), status)).error).toMatch(message);
    await refuse({ note: "x".repeat(4097) }, 400, /note: must be at most 4096 bytes/);
    await refuse({ note: "é".repeat(2049) }, 400, /note: must be at most 4096 bytes/);
    await refuse({ note: "   " }, 400, /note: say what you found/);
    await refuse({ note: "ok", owner: "nobody-here" }, 400, /no active kobuild user is called nobody-here/);
    await refuse({ note: "ok", owner: "viewer-vic" }, 400, /viewer-vic is a viewer; the owner must be an operator or admin/);
    await refuse({ note: "looked at it" }, 403, /viewer-vic is a viewer; this needs the operator role/, createApiToken(viewer.id, "test").token);
    expect(await acknowledge(999_999, { note: "ok" }).then((r) => r.status)).toBe(404);
    await json(await acknowledge(headers!.id, { note: "x".repeat(4096) }, createApiToken(operator.id, "test").token), 201);
    expect((await group(headers!.id)).notes).toHaveLength(3);
  });

  it("refuses unknown workspaces, branches and states with the reason", async () => {
    expect((await trends("workspaceId=abc", 400)).error).toMatch(/workspaceId: must be a workspace id/);
    expect((await trends("", 400)).error).toMatch(/workspaceId/);
    expect((await trends("workspaceId=999999", 404)).error).toBe("no workspace with id 999999");
    expect((await trends(`workspaceId=${workspaceId}&branch=no-such-branch`, 404)).error).toBe("workspace sample has no driver build of branch no-such-branch");
    expect((await trends(`workspaceId=${workspaceId}&branch=..bad`, 400)).error).toMatch(/branch: must be a git branch or tag name/);
    expect((await groups("workspaceId=999999", 404)).error).toBe("no workspace with id 999999");
    expect((await groups(`workspaceId=${workspaceId}&state=resolved`, 400)).error).toMatch(/state: must be one of new, ongoing, fixed/);
  });
});
