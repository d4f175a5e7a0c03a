// Trends and failure groups at real scale: a workspace of 6,000 kernels (the
// coverage benchmark's mix) and 4 module versions with 500 finished driver
// builds over a month. Each build's failures (about 600, in signatures that
// come and go) are folded into the failure groups by kobuild's own fold, and
// its digest holds its cells per state as a real build's end writes them.
// Then the built dashboard answers the trends and failure group routes, and
// Debian's chromium renders the Trends page.
import fs from "node:fs";
import { chromium } from "@playwright/test";
import { benchKernels, timeRoute } from "./coverage-image";
import { auth, benchPort, startServer, tempDir } from "./support";

type Result = Record<string, number | string>;

const BUILDS = Number(process.env.KOBUILD_BENCH_BUILDS ?? 500);
const MODULE_VERSIONS = ["2.2.0", "2.3.0", "2.4.0", "2.5.0"];
const SIGNATURES = 120;
const HOUR = 3600_000;

const round = (n: number) => Math.round(n * 10) / 10;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function random(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/** Signatures that appear in one build and go away some builds later, each on its own kernels. */
function makeSignatures(kernels: readonly string[]) {
  const r = random(7);
  return Array.from({ length: SIGNATURES }, (_, i) => {
    const from = Math.floor(r() * BUILDS);
    const span = 5 + Math.floor(r() * 200);
    const size = 2 + Math.floor(r() * 60);
    const start = Math.floor(r() * (kernels.length - size));
    return {
      signature: `probe.c:<n>:<n>: error: implicit declaration of function 'helper_${i}'`,
      from,
      to: Math.min(BUILDS - 1, from + span),
      moduleVersion: MODULE_VERSIONS[i % MODULE_VERSIONS.length]!,
      flavour: (i % 3 === 0 ? "bpf" : "mod") as "mod" | "bpf",
      kernels: kernels.slice(start, start + size),
    };
  });
}

export async function seed(dataDir: string, kernels: readonly string[]) {
  process.env.KOBUILD_DATA_DIR = dataDir;
  const { getDb } = await import("@/lib/db/client");
  const { buildCoverageCounts, buildDigests, builds, workspaces } = await import("@/lib/db/schema");
  const { recordFailureGroups } = await import("@/lib/build-digests/record-failure-groups");
  const db = getDb();
  const workspace = db.insert(workspaces).values({ name: "bench", path: `${dataDir}/bench-workspace` }).returning().get();
  const signatures = makeSignatures(kernels);
  const start = Date.now() - BUILDS * 1.5 * HOUR;
  const folds: number[] = [];
  let failureId = 0;
  let failures = 0;
  for (let b = 0; b < BUILDS; b++) {
    const at = new Date(start + b * 1.5 * HOUR);
    const build = db
      .insert(builds)
      .values({ kind: "drivers", status: "succeeded", workspaceId: workspace.id, branch: "master", createdAt: new Date(at.getTime() - 0.5 * HOUR), startedAt: new Date(at.getTime() - 0.5 * HOUR), finishedAt: at })
      .returning({ id: builds.id })
      .get();
    const active = signatures.filter((s) => s.from <= b && b <= s.to);
    const list = active.flatMap((s) => s.kernels.map((kernel) => ({ id: ++failureId, kernel, moduleVersion: s.moduleVersion, flavour: s.flavour, signature: s.signature })));
    failures += list.length;
    const started = performance.now();
    db.transaction((tx) => {
      tx.insert(buildDigests).values({ buildId: build.id, hasImage: true, kernels: kernels.length }).run();
      for (const moduleVersion of MODULE_VERSIONS) {
        for (const flavour of ["mod", "bpf"] as const) {
          const failed = list.filter((f) => f.moduleVersion === moduleVersion && f.flavour === flavour).length;
          const unavailable = flavour === "bpf" ? 900 : 0;
          const blocklisted = 120;
          const cached = Math.min(kernels.length - unavailable - blocklisted - failed, 5000);
          tx.insert(buildCoverageCounts)
            .values({ buildId: build.id, moduleVersion, flavour, built: kernels.length - unavailable - blocklisted - failed - cached, cached, failed, unavailable, blocklisted, missing: 0, notPlanned: 0 })
            .run();
        }
      }
      recordFailureGroups(tx, { workspaceId: workspace.id, build: { id: build.id, seenAt: at }, failures: list, planned: () => true });
    });
    folds.push(performance.now() - started);
  }
  const biggest = signatures.reduce((a, s) => (s.to - s.from > a.to - a.from ? s : a));
  return { workspaceId: workspace.id, folds, failures, biggestSignature: biggest.signature };
}

async function renderTrends(url: string): Promise<number[]> {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, extraHTTPHeaders: auth });
    const renders: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.goto(url, { waitUntil: "domcontentloaded" });
      // Navigation start to the frame after uPlot drew the last chart's canvas.
      const ms = (await page.evaluate(`new Promise((resolve) => {
        const check = () => (document.querySelectorAll('[data-testid="trend-chart"] canvas').length >= 2 ? requestAnimationFrame(() => resolve(performance.now())) : requestAnimationFrame(check));
        check();
      })`)) as number;
      renders.push(ms);
    }
    return renders;
  } finally {
    await browser.close();
  }
}

export async function benchTrends(): Promise<Result> {
  const dataDir = tempDir("trends");
  const kernels = benchKernels(6000);
  const seeded = await seed(dataDir, kernels);
  const result: Result = {
    "trends: builds": BUILDS,
    "trends: failures folded": seeded.failures,
    "trends: fold one build's failures into the groups (ms, median)": round(median(seeded.folds)),
    "trends: fold one build's failures into the groups (ms, slowest)": round(Math.max(...seeded.folds)),
  };
  const server = await startServer(dataDir, benchPort + 3);
  try {
    const get = (p: string) => () => fetch(`${server.url}${p}`, { headers: auth });
    const trends = await timeRoute(get(`/api/trends?workspaceId=${seeded.workspaceId}`));
    const groups = await timeRoute(get(`/api/failure-groups?workspaceId=${seeded.workspaceId}`));
    const { groups: list } = JSON.parse(groups.body) as { groups: { id: number; signature: string }[] };
    const biggest = list.find((g) => g.signature === seeded.biggestSignature)!;
    const group = await timeRoute(get(`/api/failure-groups/${biggest.id}`));
    const renders = await renderTrends(`${server.url}/trends?workspaceId=${seeded.workspaceId}`);
    Object.assign(result, {
      "GET /api/trends (500 points), first answer (ms)": round(trends.first),
      "GET /api/trends, later answers (ms, median of 7)": round(trends.ms),
      "GET /api/trends answer (KB gzipped)": round(trends.gzipped / 1024),
      "GET /api/failure-groups, first answer (ms)": round(groups.first),
      "GET /api/failure-groups, later answers (ms, median of 7)": round(groups.ms),
      "GET /api/failure-groups/:id (longest-lived group), first answer (ms)": round(group.first),
      "GET /api/failure-groups/:id, later answers (ms, median of 7)": round(group.ms),
      "Trends page: first render in chromium (ms, median of 5)": round(median(renders)),
      "Trends page: first render in chromium (ms, slowest)": round(Math.max(...renders)),
    });
    return result;
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
