import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminJsonRequest } from "./helpers/admin-request";
import { bundlesDir, docker, git } from "./helpers/driver-build";
import { privatePodman } from "./helpers/private-podman";
import { registryTags, startTestRegistry } from "./helpers/registry";
import { freshDataDir, makeSampleWorkspace } from "./helpers/sample-data-dir";
import { waitForBuild } from "./helpers/wait-for-build";

// The other way round from podman-sample-build.test.ts: the machine's Docker
// engine is kobuild's default (it plans, merges and squashes) and a private
// Podman (overlay storage under a temporary directory, removed afterwards)
// is an added engine. kobuild itself must stream the base images into
// Podman, Podman must build its shard and push it to the registry, and the
// result must hold what the same build on Docker alone holds.
const dataDir = freshDataDir("podman-shard");
// Podman must know the registry before it starts: it speaks plain HTTP.
const registry = await startTestRegistry();
const podman = privatePodman("podman-shard", { insecureRegistries: [registry.url] });

const { getDb } = await import("@/lib/db/client");
const { builds, drivers, failures, tasks } = await import("@/lib/db/schema");
const { createBuild } = await import("@/lib/builds/create-build");
const { createBuildBodySchema } = await import("@/lib/builds/build-schemas");
const { importSample } = await import("@/lib/workspace/import-sample");
const { readLogLines } = await import("@/lib/builds/read-log-lines");
const { asc, eq } = await import("drizzle-orm");
const registriesRoute = await import("@/app/api/registries/route");
const enginesRoute = await import("@/app/api/engines/route");

const run = `${process.pid}-${Date.now().toString(36)}`;
const none = { params: Promise.resolve({}) };
const request = adminJsonRequest;

type Build = Awaited<ReturnType<typeof waitForBuild>>;
const options = { workspaceId: 0, branch: "master" };
let registryId = 0;
const podmanEngine = { id: "" };
const made: string[] = [];

/** Drivers by name and cell, failures by cell, as kobuild recorded them. */
function recorded(build: Build) {
  const imageId = build.image!.id;
  return {
    drivers: getDb().select().from(drivers).where(eq(drivers.imageId, imageId)).all().map((d) => `${d.kernel} ${d.moduleVersion} ${d.flavour} ${d.kind} ${d.path}`).sort(),
    failures: getDb().select().from(failures).where(eq(failures.imageId, imageId)).all().map((f) => `${f.kernel} ${f.moduleVersion} ${f.flavour}`).sort(),
  };
}
function taskStates(buildId: number) {
  return getDb().select().from(tasks).where(eq(tasks.buildId, buildId)).all().map((t) => `${t.kernel} ${t.moduleVersion} ${t.flavour} ${t.state}`).sort();
}
const shardsOf = (buildId: number) => getDb().select().from(builds).where(eq(builds.parentId, buildId)).orderBy(asc(builds.shard), asc(builds.attempt)).all();
const logOf = (id: number) => readLogLines(id, { limit: 100_000 }).map((l) => l.text).join("\n");

beforeAll(async () => {
  await podman.start();
  const workspacePath = makeSampleWorkspace(dataDir);
  // Unique to this run: the engines' caches of earlier runs must not stand in for these builds.
  fs.appendFileSync(`${workspacePath}/kernel-modules/probe/main.c`, `/* podman shard engine ${run} */\n`);
  await git(workspacePath, ["-c", "user.name=kobuild test", "-c", "user.email=test@kobuild.invalid", "commit", "-qam", `podman shard engine ${run}`]);
  options.workspaceId = (await importSample({ workspacePath, bundleDir: bundlesDir })).workspace.id;
  const added = await registriesRoute.POST(request("POST", { name: "shards", url: registry.url, username: registry.username, password: registry.password }), none);
  expect(added.status).toBe(201);
  registryId = ((await added.json()) as { id: number }).id;
  const engine = await enginesRoute.POST(request("POST", { name: "podman", url: podman.host, concurrency: 1 }), none);
  expect(engine.status).toBe(201);
  podmanEngine.id = ((await engine.json()) as { id: string }).id;
}, 600_000);

afterAll(async () => {
  for (const ref of made) await docker(["rmi", ref]).catch(() => undefined);
  await podman.destroy();
  await registry.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 300_000);

describe("a Podman engine among a sharded build's engines", () => {
  it("gets the base images from the default engine, builds its shard, pushes it, and the result holds the one-engine build's cells", async () => {
    const single = await waitForBuild((await createBuild(createBuildBodySchema.parse(options))).id, undefined, 1_200_000);
    made.push(single.tag!);
    expect(single.status, single.error ?? "").toBe("succeeded");

    const build = await waitForBuild((await createBuild(createBuildBodySchema.parse({ ...options, sharding: { engines: "all", registryId } }))).id, undefined, 1_500_000);
    made.push(build.tag!);
    const log = logOf(build.id);
    expect(build.status, `${build.error}\n${log.slice(-4000)}`).toBe("succeeded");
    const shards = shardsOf(build.id);
    expect(new Set(shards.map((s) => s.engineId))).toEqual(new Set(["default", podmanEngine.id]));
    expect(shards.every((s) => s.status === "succeeded")).toBe(true);
    const onPodman = shards.find((s) => s.engineId === podmanEngine.id)!;
    expect(onPodman.builder).toBe("classic");
    const podmanLog = logOf(onPodman.id);
    // Podman had none of the base images: kobuild streamed them from the default engine.
    expect(podmanLog).toMatch(/copied kobuild\/toolchain:bookworm-1 from the default engine/);
    expect(podmanLog).toMatch(/the classic builder on Podman \d+\.\d+\.\d+$/m);
    expect(getDb().select().from(tasks).where(eq(tasks.buildId, onPodman.id)).all().length).toBeGreaterThan(0);
    expect(await registryTags(registry, "kobuild/collector-drivers")).toContain(onPodman.tag!.split(":").pop());

    expect(recorded(build)).toEqual(recorded(single));
    expect(recorded(single).drivers.length).toBeGreaterThan(0);
    expect(taskStates(build.id)).toEqual(taskStates(single.id));
  }, 2_400_000);
});
