// A driver made again from what its build recorded: the same commit, bundle
// and base images give the same bytes; a build of uncommitted changes, or a
// cell kobuild has no driver for, is refused before anything starts.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminRequest } from "./helpers/admin-request";
import { bundlesDir, runDocker } from "./helpers/driver-build";
import { freshDataDir, makeSampleWorkspace } from "./helpers/sample-data-dir";
import { waitForBuild } from "./helpers/wait-for-build";

const dataDir = freshDataDir("reproduce");

const { getDb } = await import("@/lib/db/client");
const { builds, bundles, drivers } = await import("@/lib/db/schema");
const { createBuild } = await import("@/lib/builds/create-build");
const { createBuildBodySchema } = await import("@/lib/builds/build-schemas");
const { importSample } = await import("@/lib/workspace/import-sample");
const { eq } = await import("drizzle-orm");
const reproduceRoute = await import("@/app/api/drivers/reproduce/route");
const driverRoute = await import("@/app/api/images/[id]/driver/route");

const run = `${process.pid}-${Date.now().toString(36)}`;
const made: string[] = [];
let workspaceId = 0;
let workspacePath = "";
let bundleId = 0;

const none = { params: Promise.resolve({}) };
const post = (body: unknown) => reproduceRoute.POST(new AdminRequest("http://127.0.0.1/api/drivers/reproduce", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }), none);
async function json<T>(response: Response, status: number): Promise<T> {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
}
const git = (...args: string[]) => execFileSync("git", ["-C", workspacePath, ...args], { encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.org", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.org" } }).trim();

async function buildOne() {
  const queued = await createBuild(createBuildBodySchema.parse({ workspaceId, branch: "master", bundleIds: [bundleId], checkoutBeforePatching: false }));
  const ended = await waitForBuild(queued.id);
  expect(ended.status, ended.error ?? "").toBe("succeeded");
  made.push(ended.tag!);
  return ended;
}
const firstDriver = (imageId: number) => getDb().select().from(drivers).where(eq(drivers.imageId, imageId)).all().find((d) => d.kind === "driver" && d.flavour === "mod")!;

beforeAll(async () => {
  workspacePath = makeSampleWorkspace(dataDir);
  // A commit of this run's own: the first build compiles rather than taking another run's layers.
  fs.appendFileSync(path.join(workspacePath, "kernel-modules/probe/main.c"), `/* reproduce test ${run} */\n`);
  git("commit", "-q", "-am", `reproduce test ${run}`);
  const sample = await importSample({ workspacePath, bundleDir: bundlesDir });
  workspaceId = sample.workspace.id;
  bundleId = getDb().select().from(bundles).all().filter((b) => b.version >= 5).sort((a, b) => a.id - b.id)[0]!.id;
}, 600_000);

afterAll(async () => {
  for (const ref of made) await runDocker(["rmi", ref]);
});

describe("reproducing a driver", () => {
  it("makes a driver of a committed build again, bit for bit, and the cell's panel says so", async () => {
    const original = await buildOne();
    const driver = firstDriver(original.image!.id);
    const cell = { kernel: driver.kernel, moduleVersion: driver.moduleVersion, flavour: driver.flavour };
    const started = await json<{ id: number; kind: string; commit: string | null }>(await post({ imageId: original.image!.id, ...cell }), 201);
    expect(started.kind).toBe("reproduce");
    const ended = await waitForBuild(started.id);
    made.push(ended.tag!);
    expect(ended.status, ended.error ?? "").toBe("succeeded");
    // The same commit, compiled again without the engine's layers.
    const row = getDb().select().from(builds).where(eq(builds.id, started.id)).get()!;
    expect(row.commit).toBe(original.commit);
    expect(row.options).toMatchObject({ noCache: true, bundleIds: [bundleId], reproduce: { sha256: driver.sha256, result: { identical: true, expected: driver.sha256, actual: driver.sha256, differences: [] } } });
    const info = await json<{ reproduction: { buildId: number; identical: boolean } }>(
      await driverRoute.GET(new AdminRequest(`http://127.0.0.1/api/images/${original.image!.id}/driver?${new URLSearchParams(cell)}`), { params: Promise.resolve({ id: String(original.image!.id) }) }),
      200,
    );
    expect(info.reproduction).toMatchObject({ buildId: started.id, identical: true });
  });

  it("refuses a driver built from uncommitted changes, and a cell with no driver, starting nothing", async () => {
    fs.appendFileSync(path.join(workspacePath, "kernel-modules/probe/main.c"), `/* not committed ${run} */\n`);
    const dirty = await buildOne();
    git("checkout", "--", "kernel-modules/probe/main.c");
    const driver = firstDriver(dirty.image!.id);
    const before = getDb().select().from(builds).all().length;
    const refused = await json<{ error: string; code: string }>(await post({ imageId: dirty.image!.id, kernel: driver.kernel, moduleVersion: driver.moduleVersion, flavour: driver.flavour }), 422);
    expect(refused.error).toBe(`cannot reproduce ${driver.path}: build ${dirty.id} built uncommitted changes on top of ${dirty.commit!.slice(0, 12)}, which no commit holds`);
    expect((await post({ imageId: dirty.image!.id, kernel: "0.0.0-none", moduleVersion: driver.moduleVersion, flavour: "mod" })).status).toBe(404);
    expect((await post({ imageId: dirty.image!.id, kernel: "../etc", moduleVersion: driver.moduleVersion, flavour: "mod" })).status).toBe(400);
    expect(getDb().select().from(builds).all().length).toBe(before);
  });
});
