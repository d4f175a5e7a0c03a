import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminRequest } from "./helpers/admin-request";
import { bundlesDir, docker } from "./helpers/driver-build";
import { freshDataDir, makeSampleWorkspace } from "./helpers/sample-data-dir";
import { waitForBuild } from "./helpers/wait-for-build";

// The plan preview must tell the truth: for each set of options, the tasks it
// promises are the tasks a real build's task master plans, and its cache and
// BLOCKLIST counts are the skips that task master reports in its own lines
// (the sample's print them). The build runs first: the preview then takes its
// stages from the engine's cache, as it does for a user who previews the same
// options twice, and the lines were printed by a task master that ran.
const dataDir = freshDataDir("plan");

const { getDb } = await import("@/lib/db/client");
const { bundles, tasks } = await import("@/lib/db/schema");
const { createBuild } = await import("@/lib/builds/create-build");
const { createBuildBodySchema } = await import("@/lib/builds/build-schemas");
const { previewBuildPlan } = await import("@/lib/builds/plan/preview-build-plan");
const { readLogLines } = await import("@/lib/builds/read-log-lines");
const { parseTaskLine } = await import("@/lib/docker/progress/build-driver-progress");
const { importSample } = await import("@/lib/workspace/import-sample");
const { eq } = await import("drizzle-orm");
const planRoute = await import("@/app/api/builds/plan/route");
const { instanceId } = await import("@/lib/system/instance-id");

let workspaceId = 0;
let workspacePath = "";
const cacheTag = `plan-${process.pid}`;
const cacheImage = `kobuild-test/collector-drivers:${cacheTag}`;

beforeAll(async () => {
  workspacePath = makeSampleWorkspace(dataDir);
  // A BLOCKLIST comment unique to this run: the task master's inputs change,
  // so the engine runs it again and prints its plan (a reused step prints nothing).
  fs.appendFileSync(path.join(workspacePath, "kernel-modules/BLOCKLIST"), `# run ${process.pid} ${Date.now()}\n`);
  workspaceId = (await importSample({ workspacePath, bundleDir: bundlesDir })).workspace.id;
});

afterAll(async () => {
  await docker(["image", "rm", "-f", cacheImage]).catch(() => undefined);
});

type Options = Record<string, unknown>;

/** What the real task master planned and skipped, for a task-master-only build with these options. */
async function realPlan(options: Options) {
  const build = await waitForBuild((await createBuild(createBuildBodySchema.parse({ workspaceId, ...options, target: "task-master" }))).id);
  expect(build.error).toBeNull();
  // Skipped tasks are stored too (state cached or blocklisted): the plan is the rest.
  const planned = getDb()
    .select()
    .from(tasks)
    .where(eq(tasks.buildId, build.id))
    .all()
    .filter((t) => t.state !== "cached" && t.state !== "blocklisted");
  const skips = { cache: 0, blocklist: 0 };
  for (const line of readLogLines(build.id, { stage: "task-master", limit: 100_000 })) {
    const p = parseTaskLine(line.text);
    if (p?.kind === "skip") skips[p.reason]++;
  }
  return { planned: planned.map((t) => `${t.kernel} ${t.moduleVersion} ${t.flavour}`).sort(), skips };
}

async function expectPreviewToMatch(options: Options) {
  const real = await realPlan(options);
  const preview = await previewBuildPlan(createBuildBodySchema.parse({ workspaceId, ...options }));
  expect(preview.problems).toEqual([]);
  expect(preview.toBuild).toBe(real.planned.length);
  expect(preview.fromCache).toBe(real.skips.cache);
  expect(preview.blocklisted).toBe(real.skips.blocklist);
  const byModuleVersion = Object.fromEntries(
    Object.entries(preview.perModuleVersion).map(([mv, n]) => [mv, n.mod + n.bpf]).filter(([, n]) => n !== 0),
  );
  const realByModuleVersion: Record<string, number> = {};
  for (const t of real.planned) realByModuleVersion[t.split(" ")[1]!] = (realByModuleVersion[t.split(" ")[1]!] ?? 0) + 1;
  expect(byModuleVersion).toEqual(realByModuleVersion);
  return preview;
}

describe("the plan preview", () => {
  it("matches the task master for a branch over every bundle", async () => {
    const preview = await expectPreviewToMatch({ branch: "master" });
    const kernels = getDb().select().from(bundles).all().length;
    expect(preview.kernels.count).toBe(kernels);
    expect(preview.perBuilder["rhel-7"]! + preview.perBuilder["rhel-8"]!).toBe(preview.toBuild);
  }, 600_000);

  it("matches it with LEGACY_PROBES, KERNEL_VERSIONS and a BLOCKLIST rule added in the working tree", async () => {
    fs.appendFileSync(path.join(workspacePath, "kernel-modules/BLOCKLIST"), "*-gcp* 2.1.0\n5.* * bpf\n");
    const preview = await expectPreviewToMatch({ branch: "master", legacyProbes: true, useKernelsFile: true });
    expect(preview.kernels.source).toBe("KERNEL_VERSIONS");
    expect(preview.moduleVersions.map((v) => v.moduleVersion).sort()).toEqual(["2.0.0", "2.1.0", "2.2.0"]);
    expect(preview.moduleVersions.find((v) => v.moduleVersion === "2.0.0")?.bpf).toBe(false);
    expect(preview.blocklisted).toBeGreaterThan(0);
    expect(preview.blocklistedTasks[0]!.rule.text).toMatch(/-gcp|5\.\*/);
  }, 600_000);

  it("matches it when a cache image already holds drivers, and says when the cache image is missing", async () => {
    const few = getDb().select().from(bundles).all().filter((b) => b.kernel.startsWith("6.1.0")).map((b) => b.id);
    const full = await waitForBuild((await createBuild(createBuildBodySchema.parse({ workspaceId, branch: "master", bundleIds: few, tag: cacheImage }))).id);
    expect(full.status).toBe("succeeded");
    const preview = await expectPreviewToMatch({ branch: "master", cacheRepo: "kobuild-test", cacheTag });
    expect(preview.fromCache).toBeGreaterThan(0);
    expect(preview.cache).toMatchObject({ image: cacheImage, status: "read" });

    const missing = await previewBuildPlan(createBuildBodySchema.parse({ workspaceId, cacheRepo: "kobuild-test", cacheTag: "no-such-tag" }));
    expect(missing.problems.join("\n")).toMatch(/no image kobuild-test\/collector-drivers:no-such-tag/);
  }, 900_000);

  it("is served at POST /api/builds/plan, with 404 for a branch the workspace lacks", async () => {
    const post = (body: unknown) =>
      planRoute.POST(new AdminRequest("http://127.0.0.1/api/builds/plan", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }), {
        params: Promise.resolve({}),
      });
    const ok = await post({ workspaceId, branch: "bpf-ringbuf" });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { moduleVersions: { moduleVersion: string }[] }).moduleVersions.map((v) => v.moduleVersion)).toEqual(["2.3.0"]);
    const missing = await post({ workspaceId, branch: "no-such-branch" });
    expect(missing.status).toBe(404);
  });

  it("answers every one of the same previews asked at once, and leaves none of its plan images behind", async () => {
    // The same inputs make the same plan image: each preview must keep it until it has read it.
    const previews = await Promise.all(Array.from({ length: 4 }, () => previewBuildPlan(createBuildBodySchema.parse({ workspaceId, branch: "master" }))));
    for (const preview of previews) expect(preview.problems).toEqual([]);
    expect(new Set(previews.map((p) => p.toBuild)).size).toBe(1);
    expect(previews[0]!.toBuild).toBeGreaterThan(0);
    const left = await docker(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "kobuild-tmp/plan"]);
    expect(left.split("\n").filter((ref) => ref.includes(`:${instanceId()}-`))).toEqual([]);
  }, 600_000);

  it("stops a preview whose caller went away, without an error to answer", async () => {
    const gone = new AbortController();
    gone.abort();
    const response = await planRoute.POST(
      new AdminRequest("http://127.0.0.1/api/builds/plan", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ workspaceId }), signal: gone.signal }),
      { params: Promise.resolve({}) },
    );
    expect(response.status).toBe(499);
  });
});
