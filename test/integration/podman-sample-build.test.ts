import fs from "node:fs";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminJsonRequest } from "./helpers/admin-request";
import { bundlesDir, DOCKERFILE_DIR, git, listBundleKernels, makeContext, runDocker } from "./helpers/driver-build";
import { privatePodman } from "./helpers/private-podman";
import { registryTags, startTestRegistry } from "./helpers/registry";
import { freshDataDir, makeSampleWorkspace } from "./helpers/sample-data-dir";
import { waitForBuild } from "./helpers/wait-for-build";

// The sample driver build with Podman's Docker-compatible service as
// kobuild's default engine (a private podman, overlay storage under a
// temporary directory, removed afterwards), and the machine's Docker engine
// as a second engine. Base images exist on no registry: they are streamed
// from Docker into Podman, as `docker save | podman load` would. The drivers
// and failures must be those of the same build on Docker, whichever bundles
// and kernels the sample holds today.
const dataDir = freshDataDir("podman-sample");
// Podman must know the registry before it starts: it speaks plain HTTP.
const registry = await startTestRegistry();
const podman = privatePodman("podman-sample", { insecureRegistries: [registry.url] });
process.env.DOCKER_HOST = podman.host;

const { getDb } = await import("@/lib/db/client");
const { builds, drivers, failures, tasks } = await import("@/lib/db/schema");
const { createBuild } = await import("@/lib/builds/create-build");
const { createBuildBodySchema } = await import("@/lib/builds/build-schemas");
const { importSample } = await import("@/lib/workspace/import-sample");
const { readLogLines } = await import("@/lib/builds/read-log-lines");
const { getDefaultEngine } = await import("@/lib/docker/engine");
const { copyImage } = await import("@/lib/docker/image/copy-image");
const { readDriverImage } = await import("@/lib/docker/image/read-driver-image");
const { asc, eq } = await import("drizzle-orm");
const registriesRoute = await import("@/app/api/registries/route");
const enginesRoute = await import("@/app/api/engines/route");

// The machine's engine, named outright: DOCKER_HOST is Podman's here, for kobuild and the docker CLI alike.
const MACHINE_ENGINE = "unix:///var/run/docker.sock";
const machineDocker = new Docker({ socketPath: "/var/run/docker.sock" });
const BASE_IMAGES = ["kobuild/toolchain:bookworm-1", "kobuild/drivers-base:1"];
const run = `${process.pid}-${Date.now().toString(36)}`;
const dockerRef = `kobuild-podman-sample/collector-drivers:${run}`;
const none = { params: Promise.resolve({}) };
const request = adminJsonRequest;

type Build = Awaited<ReturnType<typeof waitForBuild>>;
const options = { workspaceId: 0, branch: "master" };
let workspacePath = "";
let registryId = 0;
const dockerEngine = { id: "" };
let onPodman: Build;
const made: string[] = [];

type Content = { drivers: { kind: string; path: string; kernel: string; moduleVersion: string; flavour: string }[]; failures: { kernel: string; moduleVersion: string; flavour: string }[] };

/** Drivers by name and by kernel × module version × flavour cell, failures by cell: what must not depend on the engine. */
function cellsOf(c: Content) {
  return {
    drivers: c.drivers.map((d) => `${d.kind} ${d.path}`).sort(),
    driverCells: c.drivers.map((d) => `${d.kernel} ${d.moduleVersion} ${d.flavour} ${d.kind}`).sort(),
    failures: c.failures.map((f) => `${f.kernel} ${f.moduleVersion} ${f.flavour}`).sort(),
  };
}

/** What kobuild recorded of a build's image. */
function recorded(build: Build) {
  const imageId = build.image!.id;
  return cellsOf({
    drivers: getDb().select().from(drivers).where(eq(drivers.imageId, imageId)).all(),
    failures: getDb().select().from(failures).where(eq(failures.imageId, imageId)).all(),
  });
}
function taskStates(buildId: number) {
  return getDb().select().from(tasks).where(eq(tasks.buildId, buildId)).all().map((t) => `${t.kernel} ${t.moduleVersion} ${t.flavour} ${t.state}`).sort();
}
function shardsOf(buildId: number) {
  return getDb().select().from(builds).where(eq(builds.parentId, buildId)).orderBy(asc(builds.shard), asc(builds.attempt)).all();
}
const logOf = (id: number) => readLogLines(id, { limit: 100_000 }).map((l) => l.text).join("\n");

beforeAll(async () => {
  await podman.start();
  for (const ref of BASE_IMAGES) await copyImage(machineDocker, getDefaultEngine(), ref);
  workspacePath = makeSampleWorkspace(dataDir);
  // Unique to this run: the machine engine's cache of earlier runs must not stand in for this build.
  fs.appendFileSync(`${workspacePath}/kernel-modules/probe/main.c`, `/* podman sample build ${run} */\n`);
  await git(workspacePath, ["-c", "user.name=kobuild test", "-c", "user.email=test@kobuild.invalid", "commit", "-qam", `podman sample build ${run}`]);
  options.workspaceId = (await importSample({ workspacePath, bundleDir: bundlesDir })).workspace.id;
  const engine = await enginesRoute.POST(request("POST", { name: "docker", url: MACHINE_ENGINE, concurrency: 1 }), none);
  expect(engine.status).toBe(201);
  dockerEngine.id = ((await engine.json()) as { id: string }).id;
}, 600_000);

afterAll(async () => {
  // Whatever this run left on the machine's engine: the reference build and the shard that ran there.
  const left = await runDocker(["-H", MACHINE_ENGINE, "images", "--format", "{{.Repository}}:{{.Tag}}"]);
  const ours = left.output.split("\n").filter((ref) => ref.startsWith(`${registry.url}/`) || made.includes(ref));
  if (ours.length > 0) await runDocker(["-H", MACHINE_ENGINE, "rmi", ...ours]);
  await podman.destroy();
  await registry.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 300_000);

describe("a registry added while Podman is the default engine", () => {
  it("is checked by asking the registry itself (Podman's /auth only tries HTTPS): a wrong password is refused and nothing kept, the right one kept", async () => {
    const access = { name: "shards", url: registry.url, username: registry.username };
    const refused = await registriesRoute.POST(request("POST", { ...access, password: "not-the-password" }), none);
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: string }).error).toMatch(/refused the credentials/);
    expect(((await (await registriesRoute.GET(request("GET"), none)).json()) as { registries: unknown[] }).registries).toEqual([]);
    const added = await registriesRoute.POST(request("POST", { ...access, password: registry.password }), none);
    expect(added.status).toBe(201);
    registryId = ((await added.json()) as { id: number }).id;
  });
});

describe("the sample build on Podman", () => {
  it("builds with the classic builder and records the same drivers and failures as Docker's build of the same sources and bundles", async () => {
    onPodman = await waitForBuild((await createBuild(createBuildBodySchema.parse(options))).id, undefined, 1_200_000);
    const log = logOf(onPodman.id);
    expect(onPodman.status, `${onPodman.error}\n${log.slice(-4000)}`).toBe("succeeded");
    expect(onPodman.builder).toBe("classic");
    expect(log).toMatch(/the classic builder on Podman \d+\.\d+\.\d+$/m);
    // Every task the plan had ended, with the bundle's result: none is left running or unknown.
    expect(taskStates(onPodman.id).filter((t) => !/ (built|failed|unavailable|blocklisted|cached)$/.test(t))).toEqual([]);

    // The same sources and every bundle, built by the machine's Docker engine as a user would type it.
    const ctx = makeContext(workspacePath, listBundleKernels(), "podman-sample-docker");
    made.push(dockerRef);
    try {
      const args = ["-H", MACHINE_ENGINE, "build", "--network", "none", "--progress", "plain", "-f", `${DOCKERFILE_DIR}/Dockerfile`, "-t", dockerRef, "."];
      const built = await runDocker(args, { cwd: ctx });
      expect(built.code, built.output.slice(-4000)).toBe(0);
    } finally {
      fs.rmSync(ctx, { recursive: true, force: true });
    }
    const onDocker = cellsOf(await readDriverImage(machineDocker, dockerRef));
    expect(onDocker.driverCells.some((c) => c.endsWith(" mod driver"))).toBe(true);
    expect(onDocker.driverCells.some((c) => c.endsWith(" bpf driver"))).toBe(true);
    expect(onDocker.failures.length).toBeGreaterThan(0);
    expect(recorded(onPodman)).toEqual(onDocker);
    // What kobuild reads of Podman's image now is what it recorded, failure logs included.
    const read = await readDriverImage(getDefaultEngine(), onPodman.tag!);
    expect(cellsOf(read)).toEqual(onDocker);
    expect(read.failures.map((f) => f.log).join("\n")).toMatch(/fatal error: .*No such file or directory/);
  }, 1_800_000);
});

describe("a build sharded over Podman and Docker", () => {
  it("plans, merges and squashes on Podman, builds a shard on each engine, and yields the unsharded build's cells", async () => {
    const started = await createBuild(createBuildBodySchema.parse({ ...options, sharding: { engines: "all", registryId } }));
    const build = await waitForBuild(started.id, undefined, 1_500_000);
    const log = logOf(build.id);
    expect(build.status, `${build.error}\n${log.slice(-4000)}`).toBe("succeeded");
    const shards = shardsOf(build.id);
    expect(new Set(shards.map((s) => s.engineId))).toEqual(new Set(["default", dockerEngine.id]));
    expect(shards.every((s) => s.status === "succeeded")).toBe(true);
    expect(build.stages.map((s) => `${s.name} ${s.status}`)).toEqual(["plan done", "shards done", "merge done", "squash done"]);
    // Each engine built kernels of its own, and together every kernel the build has.
    const builtKernels = (id: number) => getDb().select({ kernel: tasks.kernel }).from(tasks).where(eq(tasks.buildId, id)).all().map((t) => t.kernel);
    const perShard = shards.map((s) => new Set(builtKernels(s.id)));
    expect(perShard.every((k) => k.size > 0)).toBe(true);
    expect(perShard.reduce((n, k) => n + k.size, 0)).toBe(new Set(builtKernels(onPodman.id)).size);
    // Podman pushed its own shard and pulled Docker's through the registry.
    const dockerShard = shards.find((s) => s.engineId === dockerEngine.id)!;
    const podmanShard = shards.find((s) => s.engineId === "default")!;
    expect(log).toContain(`pushed shard ${podmanShard.shard}'s image`);
    expect(log).toContain(`pulling shard ${dockerShard.shard}'s image`);
    expect(await registryTags(registry, "kobuild/collector-drivers")).toEqual(expect.arrayContaining(shards.map((s) => s.tag!.split(":").pop())));
    expect(recorded(build)).toEqual(recorded(onPodman));
    expect(taskStates(build.id)).toEqual(taskStates(onPodman.id));
  }, 1_800_000);
});
