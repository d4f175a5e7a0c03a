// A rehearsal of the real build at full size, where only the compilers are
// stand-ins: 5,800 tiny bundles (KOBUILD_REHEARSAL_KERNELS, e.g. 1,500 to
// show that nothing grows faster than the work), the stand-in workspace with
// legacy probes (4 module versions, ~46,000 tasks), one build sharded over
// eight private dockerds (KOBUILD_REHEARSAL_ENGINES) and a registry on
// loopback. Every stage of kobuild's own work is measured: the plan, the
// split, each shard's context, its image's push and pull, merge and squash,
// reading the result, the coverage answer, the build page and the grid in
// chromium while the build runs and after, the database's size and the
// dashboard's memory, and kobuild's own share of the wall time.
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser } from "@playwright/test";
import { privateEngine, type PrivateEngine } from "../test/integration/helpers/private-engine";
import { startTestRegistry } from "../test/integration/helpers/registry";
import { auth, benchPort, postJson, startServer, tempDir, waitForEnd, type Server } from "./support";
import { getJson, measureContext, prepareScale, round } from "./fixtures/scale";
import { spreadKernels } from "./fixtures/tiny-bundles";

type Result = Record<string, number | string>;
type Timed = { name?: string; status?: string; startedAt: string | null; finishedAt: string | null };
type BuildView = Timed & {
  status: string;
  plan: { done: number; total?: number } & Record<string, unknown>;
  stages: Timed[];
  shards: { index: number; kernels: number; attempts: (Timed & { stages: Timed[] })[] }[] | null;
};

const seconds = (t: Timed) => (t.startedAt && t.finishedAt ? (Date.parse(t.finishedAt) - Date.parse(t.startedAt)) / 1000 : NaN);

/** Kilobytes the dashboard process holds now and at most (VmRSS, VmHWM). */
function memoryOf(pid: number) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? NaN);
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

/** Seconds until the page's main content has rendered, and the bytes the browser received for it. */
async function timePage(browser: Browser, url: string, ready: string) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, extraHTTPHeaders: auth });
  let bytes = 0;
  page.on("response", (r) => void r.body().then((b) => (bytes += b.length)).catch(() => undefined));
  const started = Date.now();
  await page.goto(url, { waitUntil: "domcontentloaded", timeout: 300_000 });
  await page.locator(ready).first().waitFor({ timeout: 300_000 });
  const took = (Date.now() - started) / 1000;
  await page.close();
  return `${round(took, 2)} s, ${Math.round(bytes / 1024)} KiB`;
}

export async function benchRehearsal(): Promise<Result> {
  const count = Number(process.env.KOBUILD_REHEARSAL_KERNELS ?? 5800);
  const engineCount = Number(process.env.KOBUILD_REHEARSAL_ENGINES ?? 8);
  const dataDir = tempDir("rehearsal");
  process.env.KOBUILD_DATA_DIR = dataDir;
  const kernels = spreadKernels(count);
  const { workspace, workspacePath, storeSeconds } = await prepareScale(dataDir, kernels);
  const engines: PrivateEngine[] = Array.from({ length: engineCount }, (_, i) => privateEngine(`rehearsal-${i + 1}`));
  const registry = await startTestRegistry();
  let server: Server | null = null;
  let browser: Browser | null = null;
  try {
    for (const engine of engines) await engine.start();
    server = await startServer(dataDir, benchPort + 20);
    const { id: registryId } = (await postJson(`${server.url}/api/registries`, { name: "rehearsal", url: registry.url, username: registry.username, password: registry.password })) as { id: number };
    for (const [i, engine] of engines.entries()) await postJson(`${server.url}/api/engines`, { name: `rehearsal-${i + 1}`, url: engine.host, concurrency: 1 });
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });

    const started = Date.now();
    const created = (await postJson(`${server.url}/api/builds`, { workspaceId: workspace.id, branch: "master", legacyProbes: true, sharding: { engines: engineCount, registryId } })) as { id: number };
    // The build page while the shards run (once the plan is read), as someone following it would open it.
    let pageWhileRunning = "not reached: the build ended first";
    for (;;) {
      const view = await getJson<BuildView>(server, `/api/builds/${created.id}`);
      if (view.status !== "queued" && view.status !== "running") break;
      if (view.stages.find((s) => s.name === "shards")?.status === "running") {
        pageWhileRunning = await timePage(browser, `${server.url}/builds/${created.id}`, "main h1");
        break;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    const ended = await waitForEnd(server, created.id);
    const wall = (Date.now() - started) / 1000;
    const view = await getJson<BuildView>(server, `/api/builds/${created.id}`);
    const memory = memoryOf(server.process.pid!);

    const pageAfter = await timePage(browser, `${server.url}/builds/${created.id}`, "main h1");
    const gridAfter = await timePage(browser, `${server.url}/coverage?build=${created.id}`, "main h1");
    const coverageStarted = Date.now();
    const coverage = await fetch(`${server.url}/api/builds/${created.id}/coverage`, { headers: auth });
    const coverageBytes = (await coverage.arrayBuffer()).byteLength;
    const coverageSeconds = (Date.now() - coverageStarted) / 1000;

    // Each shard's context as kobuild streams it: the checkout and that shard's bundles (the shard builds' options name them).
    const { getDb } = await import("../lib/db/client");
    const { builds, bundles } = await import("../lib/db/schema");
    const fileOf = new Map(getDb().select({ id: bundles.id, kernel: bundles.kernel }).from(bundles).all().map((b) => [b.id, path.join(dataDir, "bundles", `bundle-${b.kernel}.tgz`)]));
    const contexts: string[] = [];
    for (const shardBuild of getDb().select({ id: builds.id, options: builds.options }).from(builds).all()) {
      const ids = (shardBuild.options as { bundleIds?: unknown } | null)?.bundleIds;
      if (shardBuild.id === created.id || !Array.isArray(ids)) continue;
      const files = ids.map((id) => fileOf.get(id as number)).filter((f): f is string => f !== undefined && fs.existsSync(f));
      const c = await measureContext(workspacePath, files);
      contexts.push(`build ${shardBuild.id}: ${files.length} bundles, ${Math.round(c.bytes / 1024)} KiB in ${round(c.seconds, 2)} s`);
    }

    const stage = (name: string) => round(seconds(view.stages.find((s) => s.name === name) ?? { startedAt: null, finishedAt: null }), 1);
    const at = (t: string | null) => (t ? ((Date.parse(t) - Date.parse(view.startedAt!)) / 1000).toFixed(1) : "?");
    const shardLines = (view.shards ?? []).map((s) => {
      const last = s.attempts.at(-1)!;
      return `shard ${s.index} ${at(last.startedAt)}-${at(last.finishedAt)} (${last.stages.map((t) => `${t.name} ${round(seconds(t), 1)}`).join(", ")})`;
    });
    // The builders' own time: the longest of the shards' builder stages, which run at once on their engines.
    const builderStages = (view.shards ?? []).map((s) => s.attempts.at(-1)!.stages.filter((t) => /builder$/.test(t.name ?? "")).reduce((sum, t) => sum + (seconds(t) || 0), 0));
    const builders = Math.max(0, ...builderStages);
    const own = wall - builders;
    const dbBytes = ["kobuild.db", "kobuild.db-wal"].map((f) => path.join(dataDir, f)).filter((f) => fs.existsSync(f)).reduce((sum, f) => sum + fs.statSync(f).size, 0);
    return {
      [`kernels (tiny bundles), stored in-process`]: `${count} in ${round(storeSeconds, 1)} s`,
      "engines": engineCount,
      "tasks planned": view.plan.total ?? view.plan.done,
      "build status": ended.status,
      "wall time, POST to the end (s)": round(wall, 1),
      "plan stage (s)": stage("plan"),
      "shards stage (s)": stage("shards"),
      "merge stage (s)": stage("merge"),
      "squash stage, reading the result included (s)": stage("squash"),
      "each shard (s from the build's start; its stages in s)": shardLines.join("; "),
      "each shard's context as kobuild streams it": contexts.join("; "),
      "builders' time, the longest shard's builder stages (s)": round(builders, 1),
      "kobuild's own share of the wall time": `${round((100 * own) / wall, 1)} % (goal < 10 %: ${own / wall < 0.1 ? "met" : "not met"})`,
      "GET /api/builds/:id/coverage: seconds, bytes": `${round(coverageSeconds, 2)}, ${coverageBytes}`,
      "build page in chromium while the shards run": pageWhileRunning,
      "build page in chromium after": pageAfter,
      "coverage grid in chromium after": gridAfter,
      "database size after (MiB)": round(dbBytes / 2 ** 20, 1),
      "dashboard RSS after, peak (MiB)": `${round(memory.rss / 1024, 0)}, ${round(memory.peak / 1024, 0)}`,
    };
  } finally {
    await browser?.close();
    await server?.stop();
    for (const engine of engines) await engine.destroy().catch(() => undefined);
    await registry.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
