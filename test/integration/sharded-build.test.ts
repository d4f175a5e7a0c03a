import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminRequest } from "./helpers/admin-request";
import { bundlesDir, git, runDocker } from "./helpers/driver-build";
import { privateEngine, type PrivateEngine } from "./helpers/private-engine";
import { startTestRegistry, type TestRegistry } from "./helpers/registry";
import { freshDataDir, makeSampleWorkspace } from "./helpers/sample-data-dir";
import { waitForBuild } from "./helpers/wait-for-build";

// Three real engines on this machine: the default one and two dockerds of
// the test's own (own sockets, data roots and exec roots), and a real
// registry on loopback that carries the shards' images between them.
const dataDir = freshDataDir("shards");

const { getDb } = await import("@/lib/db/client");
const { builds, drivers, engines, failures, tasks } = await import("@/lib/db/schema");
const { createBuild } = await import("@/lib/builds/create-build");
const { createBuildBodySchema } = await import("@/lib/builds/build-schemas");
const { importSample } = await import("@/lib/workspace/import-sample");
const { readLogLines } = await import("@/lib/builds/read-log-lines");
const { and, asc, eq } = await import("drizzle-orm");
const registriesRoute = await import("@/app/api/registries/route");

const run = `${process.pid}-${Date.now().toString(36)}`;
const none = { params: Promise.resolve({}) };
const request = (method: string, body?: unknown) =>
  new AdminRequest("http://127.0.0.1/api", { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });

let registry: TestRegistry;
let registryId = 0;
let workspaceId = 0;
let workspacePath = "";
const second = privateEngine("shard-b");
const third = privateEngine("shard-c");
const madeRefs = new Set<string>();

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
  getDb()
    .insert(engines)
    .values([
      { id: "shard-b", name: "engine b", kind: "unix", url: second.host, concurrency: 1 },
      { id: "shard-c", name: "engine c", kind: "unix", url: third.host, concurrency: 1 },
    ])
    .run();
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
  it("yields the same drivers and failures as the same build on one engine", async () => {
    const started = await createBuild(createBuildBodySchema.parse({ ...options, sharding: { engines: "all", registryId } }));
    const build = await waitForBuild(started.id);
    madeRefs.add(build.tag!);
    const log = readLogLines(build.id, { limit: 100_000 }).map((l) => l.text).join("\n");
    expect(build.status, `${build.error}\n${log.slice(-4000)}`).toBe("succeeded");
    const shards = shardsOf(build.id);
    expect(new Set(shards.map((s) => s.engineId))).toEqual(new Set(["default", "shard-b", "shard-c"]));
    expect(shards.every((s) => s.status === "succeeded")).toBe(true);
    // Each shard had only its own bundles, and together exactly the build's.
    const kernelsOf = (id: number) => new Set(getDb().select({ kernel: tasks.kernel }).from(tasks).where(and(eq(tasks.buildId, id), eq(tasks.state, "built"))).all().map((t) => t.kernel));
    const perShard = shards.map((s) => kernelsOf(s.id));
    expect(perShard.reduce((n, k) => n + k.size, 0)).toBe(new Set(perShard.flatMap((k) => [...k])).size);
    expect(contentOf(build)).toEqual(contentOf(single));
    expect(taskStates(build.id)).toEqual(taskStates(single.id));
    expect(build.plan.done).toBe(single.plan.done);
    expect(build.stages.map((s) => `${s.name} ${s.status}`)).toEqual(["plan done", "shards done", "merge done", "squash done"]);
  }, 900_000);
});
