// A driver repository that follows the seed but not kobuild's sample
// (test/workspaces/upstream-style): its probe under driver/bpf, default
// branch main, no kobuild lines in its log, failure logs and markers in the
// older layouts, two BLOCKLIST files, and a final stage without the cache's
// drivers. Four builds of it, each checked cell by cell against a grid
// written down by hand below, with the plan preview's counts, the live
// progress of its silent builders, and Compare.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSampleRecord, type SampleRole } from "../sample-record";
import { docker, repoRoot } from "./helpers/driver-build";
import { freshDataDir, makeSampleWorkspace } from "./helpers/sample-data-dir";
import { waitForBuild } from "./helpers/wait-for-build";

const dataDir = freshDataDir("upstream-style");

const { importSample } = await import("@/lib/workspace/import-sample");
const { registerWorkspace } = await import("@/lib/workspace/register-workspace");
const { createBuild } = await import("@/lib/builds/create-build");
const { createBuildBodySchema } = await import("@/lib/builds/build-schemas");
const { getBuildView } = await import("@/lib/builds/get-build");
const { previewBuildPlan } = await import("@/lib/builds/plan/preview-build-plan");
const { getComparisonView, getCoverageView } = await import("@/lib/coverage/coverage-view");
const { readWireCell } = await import("@/lib/coverage/coverage-wire");
const { readLogLines } = await import("@/lib/builds/read-log-lines");

const record = readSampleRecord();
const ROLES: SampleRole[] = ["older", "newest", "flavour", "series", "failing"];
const kernelOf = (role: SampleRole) => record.byRole(role).kernel;

// The expected grid, by hand: per module version, per kernel (by the part it
// plays in the sample), mod then bpf. B built, C cached, F failed, U
// unavailable, X blocklisted, . not planned.
type Row = Record<SampleRole, `${Cell}${Cell}`>;
type Cell = "B" | "C" | "F" | "U" | "X" | ".";
const current: Row = { older: "BB", newest: "BB", flavour: "BX", series: "BB", failing: "FU" };
// 1.0.0 has no probe; its module does not build for 6.12 (dockerized/BLOCKLIST).
const first: Row = { older: "B.", newest: "B.", flavour: "B.", series: "X.", failing: "F." };
const expected: Record<string, Record<string, Row>> = {
  defaults: { "1.2.0": current },
  legacy: { "1.0.0": first, "1.1.0": current, "1.2.0": current },
  // The topic's probe needs a map type 6.1 kernels lack.
  topic: { "1.3.0-rc1": { older: "BF", newest: "BF", flavour: "BX", series: "BB", failing: "FU" } },
  // On the defaults build's image: its drivers are not built again (and not in this image), its
  // failed module is retried, and its marker (no leading dot) is not one this task master counts.
  cached: { "1.0.0": first, "1.1.0": current, "1.2.0": { older: "CC", newest: "CC", flavour: "CX", series: "CC", failing: "FU" } },
};
// Where each blocklisted cell's rule stands.
const rules = { bpf: { file: "kernel-modules/BLOCKLIST", line: 3, text: "*-cloud-amd64 * bpf" }, old: { file: "kernel-modules/dockerized/BLOCKLIST", line: 3, text: "~6\\.12\\..* 1.0.0" } };
const STATE: Record<Cell, string> = { B: "built", C: "cached", F: "failed", U: "unavailable", X: "blocklisted", ".": "notPlanned" };

/** The preview's counts that the grid implies: planned tasks are B, F and U cells. */
function countsOf(grid: Record<string, Row>) {
  const cells = Object.values(grid).flatMap((row) => ROLES.flatMap((role) => [...row[role]]));
  return { toBuild: cells.filter((c) => "BFU".includes(c)).length, fromCache: cells.filter((c) => c === "C").length, blocklisted: cells.filter((c) => c === "X").length };
}

let workspaceId = 0;
const builds: Record<string, number> = {};
const tags: string[] = [];

beforeAll(async () => {
  const dir = path.join(dataDir, "workspaces", "upstream-style");
  execFileSync("bash", [path.join(repoRoot, "scripts", "upstream-style-workspace.sh"), dir], { stdio: "pipe" });
  // The sample's bundles, stored as an upload would store them.
  await importSample({ workspacePath: makeSampleWorkspace(dataDir), bundleDir: record.bundleDir });
  workspaceId = (await registerWorkspace({ name: "upstream-style", path: dir, network: "none" })).id;
}, 300_000);

afterAll(async () => {
  for (const tag of tags) await docker(["rmi", "-f", tag]).catch(() => undefined);
});

const bodies = {
  defaults: { branch: "main" },
  legacy: { branch: "main", legacyProbes: true },
  topic: { branch: "topic" },
} as Record<string, Record<string, unknown>>;

async function build(name: string, body: Record<string, unknown>, watch?: (b: ReturnType<typeof getBuildView>) => void) {
  const created = await createBuild(createBuildBodySchema.parse({ workspaceId, buildJobs: 1, ...body }));
  const done = await waitForBuild(created.id, (b) => {
    watch?.(b);
    return !["queued", "running"].includes(b.status);
  });
  expect(done.status, `${name}: ${done.error}`).toBe("succeeded");
  builds[name] = done.id;
  tags.push(done.tag!);
  return done;
}

function expectGrid(name: string) {
  const coverage = getCoverageView({ kind: "build", id: builds[name]! });
  const grid = expected[name]!;
  expect(coverage.moduleVersions, name).toEqual(Object.keys(grid));
  for (const [moduleVersion, row] of Object.entries(grid)) {
    for (const role of ROLES) {
      const wanted = row[role];
      (["mod", "bpf"] as const).forEach((flavour, i) => {
        const cell = readWireCell(coverage, kernelOf(role), moduleVersion, flavour);
        const where = `${name}: ${role} (${kernelOf(role)}) ${moduleVersion} ${flavour}`;
        expect(cell?.state ?? "notPlanned", where).toBe(STATE[wanted[i] as Cell]);
        if (wanted[i] === "X") expect(cell?.rule, where).toEqual(flavour === "bpf" ? rules.bpf : rules.old);
        if (wanted[i] === "F") expect(cell?.failureId, where).not.toBeNull();
      });
    }
  }
  return coverage;
}

describe("a repository laid out as the seed's real one was", () => {
  it("previews each build with the task master's own counts", async () => {
    for (const name of ["defaults", "legacy", "topic"]) {
      const preview = await previewBuildPlan(createBuildBodySchema.parse({ workspaceId, ...bodies[name] }) as Parameters<typeof previewBuildPlan>[0]);
      expect(preview.problems, name).toEqual([]);
      expect({ toBuild: preview.toBuild, fromCache: preview.fromCache, blocklisted: preview.blocklisted }, name).toEqual(countsOf(expected[name]!));
      expect(preview.moduleVersions.map((v) => v.moduleVersion), name).toEqual(Object.keys(expected[name]!));
    }
  }, 600_000);

  it("builds its defaults with every cell right, following its silent builders live", async () => {
    const seen: { exact: boolean; started: number; finished: number; planned: number }[] = [];
    const done = await build("defaults", bodies.defaults!, (b) => {
      const rhel8 = b.plan.builders["rhel-8"];
      if (rhel8?.kernels && b.status === "running") seen.push({ exact: rhel8.exact !== false, started: rhel8.kernels.started, finished: rhel8.kernels.finished, planned: rhel8.kernels.planned });
    });
    // Nothing of kobuild's in the log: all of it was learnt from the build.
    expect(readLogLines(done.id, { limit: 1_000_000 }).some((l) => l.text.startsWith("KOBUILD-"))).toBe(false);
    expect(done.plan).toMatchObject({ planned: 9, done: 9 });
    // RHEL 8: two tasks for each 6.x kernel but the cloud one's probe; RHEL 7: the 3.10 module fails, its probe is unavailable.
    expect(done.plan.builders).toEqual({ "rhel-8": { planned: 7, done: 7, failed: 0, exact: true }, "rhel-7": { planned: 2, done: 2, failed: 1, exact: true } });
    // While it ran, the RHEL 8 builder's four kernels were counted as its log named them.
    expect(seen.every((s) => !s.exact && s.planned === 4)).toBe(true);
    expect(seen.some((s) => s.started > 0 && s.finished < s.started)).toBe(true);
    expect(Math.max(...seen.map((s) => s.started))).toBeGreaterThan(1);
    expectGrid("defaults");
  }, 900_000);

  it("builds legacy probes and a topic branch, each with every cell right", async () => {
    await build("legacy", bodies.legacy!);
    expectGrid("legacy");
    await build("topic", bodies.topic!);
    expectGrid("topic");
  }, 1_200_000);

  it("builds on a cache: only what the cache lacks, and its cells cached", async () => {
    const cache = getBuildView(builds.defaults!).tag!;
    const [cacheRepo, cacheTag] = [cache.slice(0, cache.indexOf("/collector-drivers:")), cache.slice(cache.lastIndexOf(":") + 1)];
    const body = { branch: "main", legacyProbes: true, cacheRepo, cacheTag };
    const preview = await previewBuildPlan(createBuildBodySchema.parse({ workspaceId, ...body }) as Parameters<typeof previewBuildPlan>[0]);
    expect({ toBuild: preview.toBuild, fromCache: preview.fromCache, blocklisted: preview.blocklisted }).toEqual(countsOf(expected.cached!));
    await build("cached", body);
    expectGrid("cached");
  }, 900_000);

  it("compares the topic with main: exactly the 6.1 kernels' probes regress", () => {
    const comparison = getComparisonView({ kind: "build", id: builds.defaults! }, { kind: "build", id: builds.topic! }, 100);
    const regressed = comparison.changes.map((c) => `${c.kind} ${c.kernel} ${c.flavour} ${c.from} ${c.to}`);
    expect(regressed.sort()).toEqual([`regression ${kernelOf("newest")} bpf built failed`, `regression ${kernelOf("older")} bpf built failed`].sort());
  });
});
