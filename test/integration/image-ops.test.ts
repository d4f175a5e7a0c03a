import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import tar from "tar-stream";
import { AdminRequest } from "./helpers/admin-request";
import { bundlesDir, docker, imageLayers, runDocker, tempDir } from "./helpers/driver-build";
import { startTestRegistry, registryTags, type TestRegistry } from "./helpers/registry";
import { freshDataDir, makeSampleWorkspace } from "./helpers/sample-data-dir";
import { waitForBuild } from "./helpers/wait-for-build";

const dataDir = freshDataDir("images");

const { getDb } = await import("@/lib/db/client");
const { bundles, drivers, images, registries, tasks } = await import("@/lib/db/schema");
const { createBuild } = await import("@/lib/builds/create-build");
const { createBuildBodySchema } = await import("@/lib/builds/build-schemas");
const { readLogLines } = await import("@/lib/builds/read-log-lines");
const { importSample } = await import("@/lib/workspace/import-sample");
const { registerWorkspace } = await import("@/lib/workspace/register-workspace");
const { eq } = await import("drizzle-orm");
const registriesRoute = await import("@/app/api/registries/route");
const registryRoute = await import("@/app/api/registries/[id]/route");
const tagsRoute = await import("@/app/api/registries/[id]/tags/route");
const pullRoute = await import("@/app/api/registries/[id]/pull/route");
const pushRoute = await import("@/app/api/images/[id]/push/route");
const mergeRoute = await import("@/app/api/images/merge/route");
const squashRoute = await import("@/app/api/images/squash/route");
const collectorRoute = await import("@/app/api/images/collector/route");
const buildProvenanceRoute = await import("@/app/api/builds/[id]/provenance/route");
const imageProvenanceRoute = await import("@/app/api/images/[id]/provenance/route");
const driverRoute = await import("@/app/api/images/[id]/driver/route");
const { bundlePath } = await import("@/lib/bundles/bundle-path");

// Everything this file tags carries the run's name, and goes at the end.
const run = `${process.pid}-${Date.now().toString(36)}`;
const testRepo = `kobuild-test-${run}`;
const madeRefs = new Set<string>();

let registry: TestRegistry;
let registryId = 0;
let workspaceId = 0;
let workspacePath = "";
let setA: number[] = [];
let setB: number[] = [];
let buildA: Awaited<ReturnType<typeof waitForBuild>>;
let buildB: Awaited<ReturnType<typeof waitForBuild>>;
/** The merge of a and b, and its squash: the provenance tests follow drivers back through both. */
let mergedAll: Awaited<ReturnType<typeof waitForBuild>> | null = null;
let squashedAll: Awaited<ReturnType<typeof waitForBuild>> | null = null;

const none = { params: Promise.resolve({}) };
const idParams = (id: number) => ({ params: Promise.resolve({ id: String(id) }) });
const request = (method: string, body?: unknown, url = "http://127.0.0.1/api") =>
  new AdminRequest(url, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
async function json<T>(response: Response, status: number): Promise<T> {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
}
type Build = { id: number; tag: string | null; status: string };

function pathsOf(imageRecordId: number) {
  return getDb().select({ path: drivers.path }).from(drivers).where(eq(drivers.imageId, imageRecordId)).all().map((d) => d.path).sort();
}
function layersOf(imageRecordId: number) {
  return getDb().select({ layers: images.layers }).from(images).where(eq(images.id, imageRecordId)).get()!.layers!;
}
/** The tasks a build planned; the ones the task master skipped (cache, BLOCKLIST) are stored too and left out here. */
function taskKeys(buildId: number) {
  return getDb()
    .select()
    .from(tasks)
    .where(eq(tasks.buildId, buildId))
    .all()
    .filter((t) => t.state !== "cached" && t.state !== "blocklisted")
    .map((t) => `${t.kernel} ${t.moduleVersion} ${t.flavour}`)
    .sort();
}
async function imageExists(ref: string) {
  return (await runDocker(["image", "inspect", ref])).code === 0;
}
async function removeImage(ref: string) {
  await runDocker(["rmi", ref]);
}
async function startOperation(route: { POST: (r: Request, c: typeof none) => Promise<Response> }, body: unknown) {
  const build = await json<Build>(await route.POST(request("POST", body), none), 201);
  if (build.tag) madeRefs.add(build.tag);
  return waitForBuild(build.id);
}

beforeAll(async () => {
  registry = await startTestRegistry();
  workspacePath = makeSampleWorkspace(dataDir);
  // A change unique to this run (built as the working tree is): the engine's
  // cache of an earlier run must not turn these builds into cached ones,
  // whose logs hold no task lines.
  fs.appendFileSync(path.join(workspacePath, "kernel-modules/probe/main.c"), `/* image operations test ${run} */\n`);
  const sample = await importSample({ workspacePath, bundleDir: bundlesDir });
  workspaceId = sample.workspace.id;
  // Two shards of the kernels that build, as CI splits them.
  const real = getDb().select().from(bundles).all().filter((b) => b.version >= 4).map((b) => b.id).sort((a, b) => a - b);
  expect(real.length).toBeGreaterThanOrEqual(4);
  setA = real.slice(0, 2);
  setB = real.slice(2);
  // Tags of this run's own, easy to find and remove afterwards.
  const start = async (bundleIds: number[], shard: string) =>
    createBuild(createBuildBodySchema.parse({ workspaceId, branch: "master", bundleIds, checkoutBeforePatching: false, tag: `${testRepo}/collector-drivers:${shard}` }));
  const a = await start(setA, "a");
  const b = await start(setB, "b");
  buildA = await waitForBuild(a.id);
  buildB = await waitForBuild(b.id);
  for (const build of [buildA, buildB]) {
    expect(build.status, build.error ?? "").toBe("succeeded");
    madeRefs.add(build.tag!);
    expect(taskKeys(build.id).length, `tasks of build ${build.id}`).toBeGreaterThan(0);
  }
});

afterAll(async () => {
  for (const ref of madeRefs) await removeImage(ref);
  await registry?.stop();
});

describe("registries", () => {
  it("refuses a wrong password with a clear error and stores nothing", async () => {
    const refused = await json<{ error: string; code: string }>(
      await registriesRoute.POST(request("POST", { name: "local", url: registry.url, username: registry.username, password: "not-the-password" }), none),
      422,
    );
    expect(refused.error).toBe(`the registry ${registry.url} refused the user name or password of ${registry.username}`);
    expect(getDb().select().from(registries).all()).toEqual([]);
    expect((await json<{ registries: unknown[] }>(await registriesRoute.GET(request("GET"), none), 200)).registries).toEqual([]);
    // And a registry that does not answer is a bad gateway, not a stored row.
    const dead = await registriesRoute.POST(request("POST", { name: "dead", url: "127.0.0.1:1", username: "u", password: "p" }), none);
    expect(dead.status).toBe(502);
    expect(getDb().select().from(registries).all()).toEqual([]);
  });

  it("stores the right password sealed and never answers with it", async () => {
    const added = await json<{ id: number; passwordSet: boolean }>(
      await registriesRoute.POST(request("POST", { name: "local", url: registry.url, username: registry.username, password: registry.password }), none),
      201,
    );
    registryId = added.id;
    expect(added).toMatchObject({ name: "local", url: registry.url, username: registry.username, passwordSet: true });
    const listed = await (await registriesRoute.GET(request("GET"), none)).text();
    expect(listed).toContain(`"passwordSet":true`);
    expect(listed).not.toContain(registry.password);
    getDb().$client.pragma("wal_checkpoint(TRUNCATE)");
    for (const file of ["kobuild.db", "kobuild.db-wal"].filter((f) => fs.existsSync(path.join(dataDir, f)))) {
      expect(fs.readFileSync(path.join(dataDir, file)).includes(Buffer.from(registry.password))).toBe(false);
    }
    expect(fs.statSync(path.join(dataDir, "secret.key")).mode & 0o777).toBe(0o600);
    // The same name or address twice is a conflict.
    expect((await registriesRoute.POST(request("POST", { name: "again", url: registry.url, username: registry.username, password: registry.password }), none)).status).toBe(409);
  });

  it("pushes two build results as two tags and lists them", async () => {
    for (const [build, tag] of [
      [buildA, `a-${run}`],
      [buildB, `b-${run}`],
    ] as const) {
      const pushed = await json<{ ref: string; digest: string | null }>(
        await pushRoute.POST(request("POST", { registryId, repository: "drivers/collector-drivers", tag }), idParams(build.image!.id)),
        200,
      );
      expect(pushed.ref).toBe(`${registry.url}/drivers/collector-drivers:${tag}`);
      expect(pushed.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      madeRefs.add(pushed.ref);
    }
    expect(await registryTags(registry, "drivers/collector-drivers")).toEqual([`a-${run}`, `b-${run}`]);
    const listed = await json<{ tags: string[] }>(
      await tagsRoute.GET(request("GET", undefined, `http://127.0.0.1/api/registries/${registryId}/tags?repository=drivers/collector-drivers`), idParams(registryId)),
      200,
    );
    expect(listed.tags).toEqual([`a-${run}`, `b-${run}`]);
    const missing = await tagsRoute.GET(request("GET", undefined, `http://127.0.0.1/api/registries/${registryId}/tags?repository=nothing/here`), idParams(registryId));
    expect(missing.status).toBe(404);
  });

  it("lists the registry's tags beside the images kobuild has read, linked by image id", async () => {
    const { listDriverImages } = await import("@/lib/driver-images/list-driver-images");
    const listing = await listDriverImages();
    expect(listing.registries).toEqual([expect.objectContaining({ name: "local", url: registry.url, error: null })]);
    for (const [build, tag] of [
      [buildA, `a-${run}`],
      [buildB, `b-${run}`],
    ] as const) {
      const item = listing.images.find((i) => i.recordId === build.image!.id);
      expect(item, `image of build ${build.id}`).toBeDefined();
      expect(item!.registryRefs.map((r) => r.ref)).toContain(`${registry.url}/drivers/collector-drivers:${tag}`);
      expect(item!.refs).toContain(build.tag);
      expect(item!.local).toBe(true);
      expect(item!.producedBy).toEqual({ buildId: build.id, kind: "drivers" });
      const stored = getDb().select().from(drivers).where(eq(drivers.imageId, build.image!.id)).all();
      expect(item!.totals.drivers + item!.totals.markers).toBe(stored.length);
    }
  });
});

describe("merge and squash", () => {
  it("merges the two pushed shards, pulled from the registry, into an image with the union of their drivers", async () => {
    // Only the registry holds them now: the merge has to pull them with the stored credentials.
    for (const t of ["a", "b"]) await removeImage(`${registry.url}/drivers/collector-drivers:${t}-${run}`);
    const merged = await startOperation(mergeRoute, { DRIVER_REPO: `${registry.url}/drivers`, BASE_TAG: `a-${run}`, DRIVER_TAG: `b-${run}`, tag: `${testRepo}/collector-drivers:merged` });
    expect(merged.status, merged.error ?? "").toBe("succeeded");
    expect(merged.kind).toBe("merge");
    expect(merged.warnings).toEqual([]);
    expect(merged.plan).toMatchObject({ planned: 1, done: 1 });
    expect(merged.stages.map((s) => [s.name, s.status])).toEqual([[`merge b-${run}`, "done"]]);
    const log = readLogLines(merged.id, { limit: 10_000 }).map((l) => l.text).join("\n");
    expect(log).toContain(`pulled ${registry.url}/drivers/collector-drivers:a-${run} from registry local`);
    expect(log).toContain("1 of 1 merged");
    expect(log).not.toContain(registry.password);
    const union = [...new Set([...pathsOf(buildA.image!.id), ...pathsOf(buildB.image!.id)])].sort();
    expect(union.length).toBeGreaterThan(pathsOf(buildA.image!.id).length);
    expect(pathsOf(merged.image!.id)).toEqual(union);
    for (const t of ["a", "b"]) madeRefs.add(`${registry.url}/drivers/collector-drivers:${t}-${run}`);
  });

  it("merges several tags in order in one operation, then squashes the result to two layers", async () => {
    // The shards were built as <testRepo>/collector-drivers:a and :b.
    expect([buildA.tag, buildB.tag]).toEqual([`${testRepo}/collector-drivers:a`, `${testRepo}/collector-drivers:b`]);
    await docker(["tag", "kobuild/collector-drivers:empty", `${testRepo}/collector-drivers:empty`]);
    madeRefs.add(`${testRepo}/collector-drivers:empty`);

    const merged = await startOperation(mergeRoute, { driversRepo: testRepo, baseTag: "empty", extraTags: ["a", "b"], tag: "all" });
    expect(merged.status, merged.error ?? "").toBe("succeeded");
    expect(merged.tag).toBe(`${testRepo}/collector-drivers:all`);
    expect(merged.plan).toMatchObject({ planned: 2, done: 2 });
    expect(merged.stages.map((s) => s.name)).toEqual(["merge a", "merge b"]);
    const text = readLogLines(merged.id, { limit: 10_000 }).map((l) => l.text);
    expect(text.indexOf("kobuild: 1 of 2 merged (a)")).toBeLessThan(text.indexOf("kobuild: 2 of 2 merged (b)"));
    const union = [...new Set([...pathsOf(buildA.image!.id), ...pathsOf(buildB.image!.id)])].sort();
    expect(pathsOf(merged.image!.id)).toEqual(union);
    // No temporary tag of the merge is left behind.
    expect(await docker(["images", "--format", "{{.Tag}}", `${testRepo}/collector-drivers`])).not.toMatch(/kobuild-merge/);
    const mergedLayers = layersOf(merged.image!.id);
    expect(mergedLayers).toBe(await imageLayers(merged.tag!));
    expect(mergedLayers).toBeGreaterThan(2);

    const squashed = await startOperation(squashRoute, { DRIVERS_REPO: testRepo, DRIVERS_TAG: "all" });
    expect(squashed.status, squashed.error ?? "").toBe("succeeded");
    expect(squashed.tag).toBe(`${testRepo}/collector-drivers:all-squashed`);
    expect(layersOf(squashed.image!.id)).toBe(2);
    expect(await imageLayers(squashed.tag!)).toBe(2);
    expect(squashed.options).toMatchObject({ layersBefore: mergedLayers });
    expect(pathsOf(squashed.image!.id)).toEqual(union);
    mergedAll = merged;
    squashedAll = squashed;
  });

  it("warns when the image to squash is near the layer limit, and squashes it to two layers", async () => {
    // The empty cache image's layers, and one more per COPY.
    const ctx = tempDir("tall");
    const lines = ["FROM kobuild/collector-drivers:empty"];
    for (let i = 0; i < 100; i++) {
      fs.writeFileSync(path.join(ctx, `f${i}`), `${i}\n`);
      lines.push(`COPY f${i} /layers/f${i}`);
    }
    fs.writeFileSync(path.join(ctx, "Dockerfile"), `${lines.join("\n")}\n`);
    await docker(["build", "--network", "none", "-q", "-t", `${testRepo}/collector-drivers:tall`, ctx]);
    madeRefs.add(`${testRepo}/collector-drivers:tall`);
    fs.rmSync(ctx, { recursive: true, force: true });
    const tall = await imageLayers(`${testRepo}/collector-drivers:tall`);
    expect(tall).toBeGreaterThanOrEqual(100);
    expect(tall).toBeLessThanOrEqual(127);

    const squashed = await startOperation(squashRoute, { driversRepo: testRepo, driversTag: "tall" });
    expect(squashed.status, squashed.error ?? "").toBe("succeeded");
    expect(squashed.warnings).toEqual([`${testRepo}/collector-drivers:tall has ${tall} layers, near the engine's limit of 127 (overlay2): squash it before merging more into it`]);
    expect(squashed.options).toMatchObject({ layersBefore: tall });
    expect(layersOf(squashed.image!.id)).toBe(2);
  });

  it("merges into one of its own inputs safely, and refuses to replace it with a result that lost drivers", async () => {
    await docker(["tag", "kobuild/collector-drivers:empty", `${testRepo}/collector-drivers:acc`]);
    madeRefs.add(`${testRepo}/collector-drivers:acc`);
    const accumulated = await startOperation(mergeRoute, { driversRepo: testRepo, baseTag: "acc", extraTags: ["a"], tag: "acc" });
    expect(accumulated.status, accumulated.error ?? "").toBe("succeeded");
    expect(pathsOf(accumulated.image!.id)).toEqual(pathsOf(buildA.image!.id));
    const before = (await docker(["image", "inspect", "-f", "{{.Id}}", `${testRepo}/collector-drivers:acc`])).trim();

    // A checkout whose Dockerfile.merge forgets the base's drivers.
    const broken = fs.mkdtempSync(path.join(dataDir, "broken-merge-"));
    execFileSync("git", ["clone", "-q", workspacePath, broken]);
    fs.writeFileSync(
      path.join(broken, "kernel-modules/dockerized/Dockerfile.merge"),
      "ARG DRIVER_REPO\nARG DRIVER_TAG\nFROM ${DRIVER_REPO}/collector-drivers:${DRIVER_TAG}\n",
    );
    const ws = await registerWorkspace({ name: "broken-merge", path: broken });
    const refused = await startOperation(mergeRoute, { workspaceId: ws.id, driversRepo: testRepo, baseTag: "acc", extraTags: ["b"], tag: "acc" });
    expect(refused.status).toBe("failed");
    expect(refused.error).toMatch(new RegExp(`^${pathsOf(buildA.image!.id).length} of the inputs' \\d+ driver file\\(s\\) are missing from ${testRepo}/collector-drivers:acc: /kernel-modules/.* is one of the inputs, so it was left as it was$`));
    expect((await docker(["image", "inspect", "-f", "{{.Id}}", `${testRepo}/collector-drivers:acc`])).trim()).toBe(before);

    // Into a new tag, the same loss is a warning on a finished merge.
    const warned = await startOperation(mergeRoute, { workspaceId: ws.id, driversRepo: testRepo, baseTag: "acc", extraTags: ["b"], tag: "lossy" });
    expect(warned.status).toBe("succeeded");
    expect(warned.warnings).toEqual([expect.stringMatching(new RegExp(`^${pathsOf(buildA.image!.id).length} of the inputs' \\d+ driver file\\(s\\) are missing from ${testRepo}/collector-drivers:lossy: `))]);
  });

  it("answers 400 for a body that does not fit and 404 for an input that does not exist", async () => {
    const bad = await mergeRoute.POST(request("POST", { DRIVER_REPO: "a", DRIVERS_REPO: "b", BASE_TAG: "x", DRIVER_TAG: "y" }), none);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/say different things/);
    const missing = await mergeRoute.POST(request("POST", { driversRepo: testRepo, baseTag: "a", extraTags: ["no-such-tag"] }), none);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toBe(`no such image ${testRepo}/collector-drivers:no-such-tag`);
  });
});

describe("a build whose cache is in the registry", () => {
  it("pulls the cache with the stored credentials and builds only what the cache lacks", async () => {
    const cacheRef = `${registry.url}/drivers/collector-drivers:a-${run}`;
    await removeImage(cacheRef);
    expect(await imageExists(cacheRef)).toBe(false);
    const queued = await createBuild(
      createBuildBodySchema.parse({
        workspaceId,
        branch: "master",
        bundleIds: [...setA, ...setB],
        checkoutBeforePatching: false,
        cacheRepo: `${registry.url}/drivers`,
        cacheTag: `a-${run}`,
        tag: `${testRepo}/collector-drivers:cached`,
      }),
    );
    const build = await waitForBuild(queued.id);
    madeRefs.add(build.tag!);
    expect(build.status, build.error ?? "").toBe("succeeded");
    expect(await imageExists(cacheRef)).toBe(true);

    const aTasks = getDb().select().from(tasks).where(eq(tasks.buildId, buildA.id)).all();
    const aFailed = aTasks.filter((t) => t.state === "failed").map((t) => `${t.kernel} ${t.moduleVersion} ${t.flavour}`);
    // Planned: the second shard's tasks, and the first shard's failures (a failure leaves nothing in the cache).
    expect(taskKeys(build.id)).toEqual([...taskKeys(buildB.id), ...aFailed].sort());
    expect(taskKeys(build.id).length).toBeLessThan(taskKeys(buildA.id).length + taskKeys(buildB.id).length);
    const log = readLogLines(build.id, { limit: 100_000 }).map((l) => l.text);
    const skippedForCache = log.filter((l) => /^KOBUILD-SKIP .* reason=cache$/.test(l));
    expect(skippedForCache.length).toBe(aTasks.length - aFailed.length);
    expect(log.join("\n")).not.toContain(registry.password);
    // The result holds both shards' drivers.
    const union = [...new Set([...pathsOf(buildA.image!.id), ...pathsOf(buildB.image!.id)])].sort();
    expect(pathsOf(build.image!.id)).toEqual(union);
  });

  it("pulls a cache image over the API and reads it", async () => {
    const cacheRef = `${registry.url}/drivers/collector-drivers:b-${run}`;
    await removeImage(cacheRef);
    const pulled = await json<{ ref: string; image: { id: number; drivers: number } }>(
      await pullRoute.POST(request("POST", { repository: "drivers/collector-drivers", tag: `b-${run}` }), idParams(registryId)),
      200,
    );
    expect(pulled.ref).toBe(cacheRef);
    expect(pulled.image.drivers).toBe(pathsOf(buildB.image!.id).length);
    expect((await pullRoute.POST(request("POST", { repository: "drivers/collector-drivers", tag: "never-pushed" }), idParams(registryId))).status).toBe(404);
  });
});

describe("the full collector image", () => {
  it("holds one module version's drivers flat in /kernel-modules of the -slim image", async () => {
    // A stand-in for the -slim collector image: a base with a file of its own.
    const ctx = tempDir("slim");
    fs.writeFileSync(path.join(ctx, "collector"), "#!/bin/sh\necho stand-in collector\n");
    fs.writeFileSync(path.join(ctx, "Dockerfile"), "FROM kobuild/drivers-base:1\nCOPY collector /usr/local/bin/collector\n");
    await docker(["build", "--network", "none", "-q", "-t", `${testRepo}/collector:3.11.0-slim`, ctx]);
    madeRefs.add(`${testRepo}/collector:3.11.0-slim`);
    fs.rmSync(ctx, { recursive: true, force: true });

    const aDrivers = getDb().select().from(drivers).where(eq(drivers.imageId, buildA.image!.id)).all();
    const moduleVersion = aDrivers.find((d) => d.kind === "driver")!.moduleVersion;
    const expected = aDrivers.filter((d) => d.moduleVersion === moduleVersion && d.kind === "driver").map((d) => path.posix.basename(d.path)).sort();
    const built = await startOperation(collectorRoute, {
      COLLECTOR_REPO: testRepo,
      COLLECTOR_TAG: "3.11.0-slim",
      DRIVERS_REPO: testRepo,
      DRIVERS_TAG: "a",
      MODULE_VERSION: moduleVersion,
    });
    expect(built.status, built.error ?? "").toBe("succeeded");
    expect(built.tag).toBe(`${testRepo}/collector:3.11.0-dockerized`);

    // Read with the CLI, independently of kobuild.
    const container = (await docker(["create", built.tag!, "/none"])).trim();
    let listing: string[];
    try {
      listing = execFileSync("bash", ["-c", `/usr/bin/docker export ${container} | tar -t`], { encoding: "utf8", maxBuffer: 64 << 20 }).split("\n");
    } finally {
      await docker(["rm", container]);
    }
    const flat = listing.filter((p) => /^kernel-modules\/[^/]+$/.test(p)).map((p) => p.slice("kernel-modules/".length)).sort();
    expect(flat).toEqual(expected);
    expect(listing).toContain("usr/local/bin/collector");
    expect(listing.some((p) => p.endsWith(".unavail"))).toBe(false);
    // kobuild reads the flat drivers as that module version's.
    const stored = getDb().select().from(drivers).where(eq(drivers.imageId, built.image!.id)).all();
    expect(stored.map((d) => path.posix.basename(d.path)).sort()).toEqual(expected);
    expect(new Set(stored.map((d) => d.moduleVersion))).toEqual(new Set([moduleVersion]));

    const wrongVersion = await startOperation(collectorRoute, { COLLECTOR_REPO: testRepo, COLLECTOR_TAG: "3.11.0-slim", DRIVERS_REPO: testRepo, DRIVERS_TAG: "a", MODULE_VERSION: "9.9.9", tag: "never" });
    expect(wrongVersion.status).toBe("failed");
    expect(wrongVersion.error).toMatch(new RegExp(`holds no driver of module version 9\\.9\\.9 \\(it has ${moduleVersion.replace(/\./g, "\\.")}`));
  });
});

describe("removing a registry", () => {
  it("deletes its row and then answers 404", async () => {
    expect((await registryRoute.DELETE(request("DELETE"), idParams(registryId))).status).toBe(200);
    expect(getDb().select().from(registries).all()).toEqual([]);
    expect((await registryRoute.DELETE(request("DELETE"), idParams(registryId))).status).toBe(404);
  });
});

type Descriptor = { name?: string; uri?: string; digest: Record<string, string>; annotations?: Record<string, unknown> };
type Statement = {
  _type: string;
  predicateType: string;
  subject: Descriptor[];
  predicate: {
    buildDefinition: { buildType: string; externalParameters: Record<string, unknown>; resolvedDependencies: Descriptor[] };
    runDetails: { builder: { id: string }; metadata: { invocationId: string; startedOn?: string; finishedOn?: string } };
  };
};

/** sha256 of every driver file under /kernel-modules of an image, read from `docker export` of a container made from it. */
async function driverDigestsOf(ref: string): Promise<Map<string, string>> {
  const container = (await docker(["create", ref, "/none"])).trim();
  try {
    const digests = new Map<string, string>();
    const extract = tar.extract();
    extract.on("entry", (header, stream, next) => {
      const name = `/${header.name.replace(/^\.?\//, "")}`;
      if (header.type !== "file" || !/^\/kernel-modules\/.+\.(ko|o)\.gz$/.test(name)) {
        stream.on("end", next).resume();
        return;
      }
      const hash = createHash("sha256");
      stream.on("data", (chunk) => hash.update(chunk as Buffer));
      stream.on("end", () => {
        digests.set(name, hash.digest("hex"));
        next();
      });
    });
    const { spawn } = await import("node:child_process");
    const child = spawn("/usr/bin/docker", ["export", container], { stdio: ["ignore", "pipe", "inherit"] });
    child.stdout.pipe(extract);
    await new Promise<void>((resolve, reject) => extract.on("finish", resolve).on("error", reject));
    return digests;
  } finally {
    await runDocker(["rm", container]);
  }
}

const subjectsOf = (statement: Statement) => new Map(statement.subject.map((s) => [`/${s.name!.replace(/^\//, "")}`, s.digest.sha256!]));
const fileSha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

describe("provenance", () => {
  it("gives a build's drivers with the sha256 of each file in its image, the commit it built, its bundles and its base images", async () => {
    const response = await buildProvenanceRoute.GET(request("GET", undefined, `http://127.0.0.1/api/builds/${buildA.id}/provenance`), idParams(buildA.id));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/vnd.in-toto+json");
    const statement = (await response.json()) as Statement;
    expect(statement._type).toBe("https://in-toto.io/Statement/v1");
    expect(statement.predicateType).toBe("https://slsa.dev/provenance/v1");

    // Every driver file in the image, and nothing else, with the digest of its bytes.
    const inImage = await driverDigestsOf(buildA.tag!);
    expect(inImage.size).toBeGreaterThan(0);
    expect(subjectsOf(statement)).toEqual(inImage);

    const dependencies = statement.predicate.buildDefinition.resolvedDependencies;
    // The commit is the branch's, in the workspace's own repository.
    const commit = execFileSync("git", ["-C", workspacePath, "rev-parse", "master"], { encoding: "utf8" }).trim();
    const source = dependencies.find((d) => d.digest.gitCommit);
    expect(source).toMatchObject({ uri: `git+file://${workspacePath}@master`, digest: { gitCommit: commit } });
    // The test built its working tree with a change: the statement says the commit alone does not make it again.
    expect(source!.annotations).toEqual({ uncommittedChanges: true });

    // The bundles it was sent, by the digests kobuild stored and of the files in its store.
    const sent = getDb().select().from(bundles).all().filter((b) => setA.includes(b.id));
    const bundleDeps = dependencies.filter((d) => d.name?.startsWith("bundle-")).map((d) => [d.name, d.digest.sha256]);
    expect(bundleDeps.sort()).toEqual(sent.map((b) => [`bundle-${b.kernel}.tgz`, b.sha256]).sort());
    for (const b of sent) expect(fileSha256(bundlePath(b.kernel, dataDir))).toBe(b.sha256);

    // The compiler's image and the cache, by the ids the engine gives them.
    const imageId = async (ref: string) => (await docker(["image", "inspect", "-f", "{{.Id}}", ref])).trim().replace(/^sha256:/, "");
    const toolchain = dependencies.find((d) => d.uri === "docker-image://kobuild/toolchain:bookworm-1");
    expect(toolchain).toMatchObject({ digest: { sha256: await imageId("kobuild/toolchain:bookworm-1") }, annotations: { role: "base" } });
    const cache = dependencies.find((d) => d.uri === "docker-image://kobuild/collector-drivers:empty");
    expect(cache).toMatchObject({ digest: { sha256: await imageId("kobuild/collector-drivers:empty") }, annotations: { role: "cache" } });

    expect(statement.predicate.buildDefinition.externalParameters).toMatchObject({ kind: "drivers", workspace: "sample", branch: "master", bundleIds: setA });
    expect(statement.predicate.runDetails.metadata.invocationId).toMatch(new RegExp(`/builds/${buildA.id}$`));
    expect(Date.parse(statement.predicate.runDetails.metadata.finishedOn!)).toBeGreaterThanOrEqual(Date.parse(statement.predicate.runDetails.metadata.startedOn!));
  });

  it("traces each driver of a squashed merge to the build that compiled it", async () => {
    expect(squashedAll, "the merge and squash test ran first").not.toBeNull();
    const squashed = squashedAll!;
    const merged = mergedAll!;
    const response = await imageProvenanceRoute.GET(request("GET", undefined, `http://127.0.0.1/api/images/${squashed.image!.id}/provenance`), idParams(squashed.image!.id));
    expect(response.status).toBe(200);
    const statements = (await response.text()).trim().split("\n").map((line) => JSON.parse(line) as Statement);
    const byBuild = new Map(statements.map((s) => [Number(/\/builds\/(\d+)$/.exec(s.predicate.runDetails.metadata.invocationId)![1]), s]));
    // The squash made it, from the merge, which took a and b (the empty base has no drivers to trace).
    expect([...byBuild.keys()]).toEqual([squashed.id, merged.id, buildA.id, buildB.id]);
    const inImage = await driverDigestsOf(squashed.tag!);
    expect(subjectsOf(byBuild.get(squashed.id)!)).toEqual(inImage);
    // a's and b's statements hold exactly the drivers they compiled, together all of them.
    const fromA = subjectsOf(byBuild.get(buildA.id)!);
    const fromB = subjectsOf(byBuild.get(buildB.id)!);
    expect(fromA).toEqual(await driverDigestsOf(buildA.tag!));
    expect(new Map([...fromA, ...fromB])).toEqual(inImage);
    expect(byBuild.get(merged.id)!.predicate.buildDefinition.buildType).toBe("urn:kobuild:build-type:image-operation:v1");

    // One cell's panel: the driver names its build, commit, bundle and compiler image.
    const driver = getDb().select().from(drivers).where(eq(drivers.imageId, buildB.image!.id)).all().find((d) => d.kind === "driver")!;
    const cell = new URLSearchParams({ kernel: driver.kernel, moduleVersion: driver.moduleVersion, flavour: driver.flavour });
    const info = await json<{ origin: { buildId: number; via: number[]; commit: string; bundle: { kernel: string; sha256: string }; builderImage: { ref: string; dockerId: string } } }>(
      await driverRoute.GET(request("GET", undefined, `http://127.0.0.1/api/images/${squashed.image!.id}/driver?${cell}`), idParams(squashed.image!.id)),
      200,
    );
    const bundle = getDb().select().from(bundles).all().find((b) => b.kernel === driver.kernel)!;
    expect(info.origin).toMatchObject({
      buildId: buildB.id,
      via: [squashed.id, merged.id],
      commit: execFileSync("git", ["-C", workspacePath, "rev-parse", "master"], { encoding: "utf8" }).trim(),
      bundle: { kernel: driver.kernel, sha256: bundle.sha256 },
      builderImage: { ref: "kobuild/toolchain:bookworm-1", dockerId: (await docker(["image", "inspect", "-f", "{{.Id}}", "kobuild/toolchain:bookworm-1"])).trim() },
    });
  });

  it("answers 404 for an unknown build and 409 for a build that made no image", async () => {
    expect((await buildProvenanceRoute.GET(request("GET"), idParams(987654))).status).toBe(404);
    expect((await imageProvenanceRoute.GET(request("GET"), idParams(987654))).status).toBe(404);
    const queued = await createBuild(createBuildBodySchema.parse({ workspaceId, branch: "master", bundleIds: setA, checkoutBeforePatching: false, target: "patcher" }));
    const ended = await waitForBuild(queued.id);
    const refused = await json<{ error: string; code: string }>(await buildProvenanceRoute.GET(request("GET"), idParams(ended.id)), 409);
    expect(refused.code).toBe("conflict");
    expect(refused.error).toMatch(new RegExp(`^build ${ended.id} has no provenance: `));
  });
});
