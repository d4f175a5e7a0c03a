// A rehearsal of the real build at full size, where only the compilers are
// stand-ins: 5,800 tiny bundles (KOBUILD_REHEARSAL_KERNELS, e.g. 1,500 to
// show that nothing grows faster than the work), the stand-in workspace with
// legacy probes (4 module versions, ~46,000 tasks), one build sharded over
// eight private dockerds (KOBUILD_REHEARSAL_ENGINES) and a registry on
// loopback. Every stage of kobuild's own work is measured: the plan, the
// split, each shard's context, its image's push and pull, merge and squash,
// reading the result, the coverage answer, the build page and the grid in
// chromium while the build runs and after, the database's size and the
// dashboard's memory, and kobuild's own share of the wall time. Then a
// second build on the same engines, now warm (they hold the base images),
// of a new commit that leaves nothing to the build cache but the base
// images: the wall time again, and where it went.
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser } from "@playwright/test";
import { privateEngine, type PrivateEngine } from "../test/integration/helpers/private-engine";
import { startTestRegistry } from "../test/integration/helpers/registry";
import { auth, benchPort, dashboardServerPid, git, postJson, startServer, tempDir, waitForEnd, type Server } from "./support";
import { getJson, measureContext, prepareScale, round } from "./fixtures/scale";
import { spreadKernels } from "./fixtures/tiny-bundles";

type Result = Record<string, number | string>;
type Timed = { name?: string; status?: string; startedAt: string | null; finishedAt: string | null };
type BuildView = Timed & {
  id: number;
  status: string;
  plan: { planned: number | null; done: number | null } & Record<string, unknown>;
  stages: Timed[];
  shards: { index: number; kernels: number; attempts: (Timed & { buildId: number; stages: Timed[] })[] }[] | null;
};
type Note = { ts: number; text: string };

const seconds = (t: Timed) => (t.startedAt && t.finishedAt ? (Date.parse(t.finishedAt) - Date.parse(t.startedAt)) / 1000 : NaN);
const ms = (t: string | null) => (t ? Date.parse(t) : NaN);

/** kobuild's own notes in a build's log (stream 0), with their timestamps, as GET /api/builds/:id/logs gives them. */
async function notesOf(server: Server, buildId: number): Promise<Note[]> {
  const response = await fetch(`${server.url}/api/builds/${buildId}/logs?format=ndjson`, { headers: auth });
  if (!response.ok) throw new Error(`the log of build ${buildId}: ${response.status}`);
  return (await response.text())
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Note & { stream: number })
    .filter((l) => l.stream === 0);
}

type Step = { buildId: number; name: string; startedAt: Date | null; finishedAt: Date | null };

/** Seconds covered by the union of the steps' intervals (steps that ran at once count once). */
function unionSeconds(spans: [number, number][]) {
  let total = 0;
  let end = -Infinity;
  for (const [from, to] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total / 1000;
}

/** The timestamp of the first note that matches, or NaN. */
const noteAt = (notes: Note[], pattern: RegExp) => notes.find((n) => pattern.test(n.text))?.ts ?? NaN;

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

/**
 * Where one sharded build's wall time went, along its critical path: the
 * coordinator's stages, the shard that ended last (its start-up with the
 * base images it was sent, its engine build with the builders' stages, its
 * push), the wait for the shards' images, the merges left once the shards
 * stage ended (the others ran while shards still built), the squash, reading
 * and recording the result, and the clean-up. Every figure comes from the
 * build's stages and the timestamps of kobuild's notes in the logs.
 */
async function whereTimeWent(server: Server, view: BuildView, posted: number, observed: number, stepsOf: (buildIds: number[]) => Step[]) {
  const wall = (observed - posted) / 1000;
  const stageOf = (name: string): Timed => view.stages.find((s) => s.name === name) ?? { name, status: "absent", startedAt: null, finishedAt: null };
  const [plan, shardsStage, merge, squash] = ["plan", "shards", "merge", "squash"].map(stageOf) as [Timed, Timed, Timed, Timed];
  const notes = await notesOf(server, view.id);
  const attempts = (view.shards ?? []).map((s) => ({ index: s.index, attempt: s.attempts.at(-1)! }));
  const builderSeconds = (a: { stages: Timed[] }) => a.stages.filter((t) => /builder$/.test(t.name ?? "")).reduce((sum, t) => sum + (seconds(t) || 0), 0);
  const notesByShard = new Map(await Promise.all(attempts.map(async (a) => [a.index, await notesOf(server, a.attempt.buildId)] as const)));
  const copiesIn = (shardNotes: Note[]) =>
    shardNotes.map((n) => /^kobuild: copied \S+ from the default engine \(([\d.]+) s\)/.exec(n.text)).filter((m): m is RegExpExecArray => m !== null).map((m) => Number(m[1]));
  const allCopies = [...notesByShard.values()].flatMap(copiesIn);

  // The shard that ended last holds the shards stage open: its parts are on the critical path.
  const last = attempts.reduce((a, b) => (ms(b.attempt.finishedAt) > ms(a.attempt.finishedAt) ? b : a));
  const lastNotes = notesByShard.get(last.index)!;
  const lastStart = ms(last.attempt.startedAt);
  const lastEnd = ms(last.attempt.finishedAt);
  const building = noteAt(lastNotes, /^kobuild: building /);
  const pushing = noteAt(lastNotes, /^kobuild: pushing /);
  const pushed = noteAt(lastNotes, /^kobuild: pushed /);
  const lastCopies = copiesIn(lastNotes).reduce((a, b) => a + b, 0);
  // A builder stage spans from its first step (its COPY of the bundles, at the build's start) to its last, so it
  // holds the wait for the patcher and the task master; the builders' RUN steps are the builders' own work.
  const runsOf = (buildId: number) =>
    unionSeconds(
      stepsOf([buildId])
        .filter((t) => /RUN \/scripts\/build-drivers\.pl/.test(t.name) && t.startedAt && t.finishedAt)
        .map((t) => [t.startedAt!.getTime(), t.finishedAt!.getTime()]),
    );
  const lastRuns = runsOf(last.attempt.buildId);
  const longestRuns = Math.max(0, ...attempts.map((a) => runsOf(a.attempt.buildId)));
  // BuildKit may report a step as started before the build that asked for it (work it shares with another
  // build on the engine): a stage's span then starts early too. Counted, so that the stage figures are read with it.
  const buildStart = new Map([[view.id, ms(view.startedAt)], ...attempts.map((a) => [a.attempt.buildId, ms(a.attempt.startedAt)] as [number, number])]);
  const early = stepsOf([...buildStart.keys()])
    .filter((t) => t.startedAt && t.startedAt.getTime() < buildStart.get(t.buildId)!)
    .map((t) => ({ name: t.name, by: (buildStart.get(t.buildId)! - t.startedAt!.getTime()) / 1000 }));
  // What the last shard's engine build spent its time on, besides the builders: its longest steps.
  const longest = (buildId: number, n: number) =>
    stepsOf([buildId])
      .filter((t) => t.startedAt && t.finishedAt && !/RUN \/scripts\/build-drivers\.pl/.test(t.name))
      .map((t) => ({ name: t.name, took: (t.finishedAt!.getTime() - t.startedAt!.getTime()) / 1000 }))
      .sort((a, b) => b.took - a.took)
      .slice(0, n)
      .map((t) => `${t.name.slice(0, 70)} ${round(t.took, 1)}`)
      .join("; ");
  const planning = noteAt(notes, /^kobuild: planning /);
  const planned = noteAt(notes, /^kobuild: the plan: /);
  // The plan in two parts: the engine building the task master's stages, then kobuild reading /build-tasks and recording the tasks.
  const planBuilt = noteAt(notes, /^kobuild: reading the plan from/);
  const planSteps = stepsOf([view.id])
    .filter((t) => t.startedAt && t.finishedAt && t.startedAt.getTime() >= planning && t.startedAt.getTime() < planBuilt)
    .map((t) => ({ name: t.name, took: (t.finishedAt!.getTime() - t.startedAt!.getTime()) / 1000 }))
    .sort((a, b) => b.took - a.took);
  const engineBuildEnd = Number.isNaN(pushing) ? lastEnd : pushing;

  const reading = noteAt(notes, /^kobuild: reading \/kernel-modules and \/FAILURES from the result/);
  const read = noteAt(notes, /^kobuild: read \d+ file\(s\) from the result/);
  const recorded = noteAt(notes, /^kobuild: \S+: \d+ driver file\(s\)/);
  // Shards' images are merged as they arrive: some merges run while shards still build, off the critical path.
  const shardsEnd = ms(shardsStage.finishedAt);
  const mergeStarts = notes.filter((n) => /^kobuild: merging shard \d+'s image/.test(n.text)).map((n) => n.ts);
  const mergeEnds = notes.filter((n) => /^kobuild: \d+ of \d+ merged/.test(n.text)).map((n) => n.ts);
  const mergesLeft = mergeStarts.filter((t) => t >= shardsEnd);
  // The wait for the images ends where the first merge left to do begins (the stage's end when none is left).
  const leftStart = mergesLeft.length ? Math.min(...mergesLeft) : mergeStarts.length ? ms(merge.finishedAt) : ms(merge.startedAt);
  const squashRan = squash.status === "done" || squash.status === "cached";
  const squashNote = notes.find((n) => /squashed/.test(n.text))?.text.replace(/^kobuild: /, "") ?? "no note";
  const s = (from: number, to: number) => round((to - from) / 1000, 1);
  const parts: [string, number][] = [
    ["queue", s(posted, ms(view.startedAt))],
    ["start-up", s(ms(view.startedAt), planning)],
    ["the plan, from kobuild's note that it starts to the one that it is read", s(planning, planned)],
    ["split", s(planned, ms(shardsStage.startedAt))],
    ["last shard's wait to start", s(ms(shardsStage.startedAt), lastStart)],
    [`shard ${last.index}'s start-up (base images copied to its engine: ${round(lastCopies, 1)} s)`, s(lastStart, Number.isNaN(building) ? lastStart : building)],
    [`shard ${last.index}'s engine build (its builders' RUN steps: ${round(lastRuns, 1)} s)`, s(Number.isNaN(building) ? lastStart : building, engineBuildEnd)],
    [`shard ${last.index}'s push`, Number.isNaN(pushing) ? 0 : s(pushing, pushed)],
    [`shard ${last.index}'s end`, s(Number.isNaN(pushed) ? engineBuildEnd : pushed, lastEnd)],
    ["shards stage's end", s(lastEnd, ms(shardsStage.finishedAt))],
    ["wait for the shards' images to be pulled (and a merge in flight)", s(shardsEnd, leftStart)],
    [`the merges left after the shards stage (${mergesLeft.length} of ${mergeEnds.length})`, s(leftStart, ms(merge.finishedAt))],
    ...(squashRan
      ? ([
          ["before the squash", s(ms(merge.finishedAt), ms(squash.startedAt))],
          ["squash stage", s(ms(squash.startedAt), ms(squash.finishedAt))],
          ["before the reading", s(ms(squash.finishedAt), reading)],
        ] as [string, number][])
      : ([["before the reading (no squash)", s(ms(merge.finishedAt), reading)]] as [string, number][])),
    ["reading the result image", s(reading, read)],
    ["recording the result", s(read, recorded)],
    ["clean-up to the build's end", s(recorded, ms(view.finishedAt))],
    ["until the benchmark saw the end", s(ms(view.finishedAt), observed)],
  ];
  const accounted = parts.reduce((sum, [, v]) => sum + (Number.isNaN(v) ? 0 : v), 0);
  // What kobuild's own code does on the critical path, apart from the engines running the workspace's
  // Dockerfiles and moving images: the parts between them, the shard's start-up less the base images'
  // copy, reading and recording the result. The plan is given apart: it is mostly the engine's task master.
  const ownParts = new Set(["queue", "start-up", "split", "last shard's wait to start", `shard ${last.index}'s end`, "shards stage's end", "before the squash", "before the reading", "before the reading (no squash)", "reading the result image", "recording the result", "clean-up to the build's end", "until the benchmark saw the end"]);
  const shardStartUp = parts.find(([name]) => name.startsWith(`shard ${last.index}'s start-up`))?.[1] ?? 0;
  const kobuildCode = parts.filter(([name]) => ownParts.has(name)).reduce((sum, [, v]) => sum + (Number.isNaN(v) ? 0 : v), 0) + Math.max(0, shardStartUp - lastCopies);
  const builders = Math.max(0, ...attempts.map((a) => builderSeconds(a.attempt)));
  const own = wall - builders;
  const ownFair = wall - lastRuns - lastCopies;
  const at = (t: string | null) => (t ? ((Date.parse(t) - Date.parse(view.startedAt!)) / 1000).toFixed(1) : "?");
  return {
    wall,
    lines: {
      "build status": view.status,
      "wall time, POST to the end (s)": round(wall, 1),
      "plan stage (s)": round(seconds(plan), 1),
      "shards stage (s)": round(seconds(shardsStage), 1),
      "merge stage (s)": round(seconds(merge), 1),
      "merges done before the shards stage ended; the merge stage's start before that end (s)": `${mergeEnds.filter((t) => t < shardsEnd).length} of ${mergeEnds.length}; ${s(ms(merge.startedAt), shardsEnd)}`,
      "from the shards stage's end to the merge stage's end (s)": s(shardsEnd, ms(merge.finishedAt)),
      "squash": squashRan ? `ran, ${round(seconds(squash), 1)} s (${squashNote})` : `skipped: stage ${squash.status ?? "?"} (${squashNote})`,
      "reading the result image / recording it (s)": `${s(reading, read)} / ${s(read, recorded)}`,
      "each shard (s from the build's start; its stages in s)": attempts
        .map(({ index, attempt }) => `shard ${index} ${at(attempt.startedAt)}-${at(attempt.finishedAt)} (${attempt.stages.map((t) => `${t.name} ${round(seconds(t), 1)}`).join(", ")})`)
        .join("; "),
      "base images copied to the shards' engines": allCopies.length === 0 ? "none" : `${allCopies.length} copies, ${round(allCopies.reduce((a, b) => a + b, 0), 1)} s in all, up to ${round(Math.max(...allCopies), 1)} s each`,
      "critical path (s)": `${parts.map(([name, v]) => `${name} ${v}`).join("; ")}; not accounted for ${round(wall - accounted, 1)}`,
      "engine steps reported as started before their own build": early.length === 0 ? "none" : `${early.length}, up to ${round(Math.max(...early.map((e) => e.by)), 1)} s before (${[...new Set(early.map((e) => e.name))].slice(0, 4).join("; ")})`,
      "the last shard's longest steps other than the builders' RUN (s)": longest(last.attempt.buildId, 5),
      "the coordinator's longest steps (s)": longest(view.id, 5),
      "the plan: the engine's build of the task master / reading and recording it (s)": `${s(planning, planBuilt)} / ${s(planBuilt, planned)}`,
      "the plan's longest steps (s)": planSteps.slice(0, 4).map((t) => `${t.name.slice(0, 70)} ${round(t.took, 1)}`).join("; "),
      "builders' time, the longest shard's builder stages (s)": round(builders, 1),
      "builders' own work, the longest shard's builder RUN steps (s)": round(longestRuns, 1),
      "kobuild's own share: wall less the longest shard's builder stages": `${round((100 * own) / wall, 1)} % (goal < 10 %: ${own / wall < 0.1 ? "met" : "not met"})`,
      "the rest of the wall time, less the last shard's builder RUN steps and the base images copied to its engine": `${round(ownFair, 1)} s, ${round((100 * ownFair) / wall, 1)} %`,
      "kobuild's code on the critical path (the plan apart): its steps between the engines' work, the shard's start-up less the base images' copy, reading and recording the result": `${round(kobuildCode, 1)} s, ${round((100 * kobuildCode) / wall, 1)} %; with the plan ${round(kobuildCode + s(planning, planned), 1)} s, ${round((100 * (kobuildCode + s(planning, planned))) / wall, 1)} %`,
    },
  };
}

export async function benchRehearsal(): Promise<Result> {
  const count = Number(process.env.KOBUILD_REHEARSAL_KERNELS ?? 5800);
  const engineCount = Number(process.env.KOBUILD_REHEARSAL_ENGINES ?? 8);
  const dataDir = tempDir("rehearsal");
  process.env.KOBUILD_DATA_DIR = dataDir;
  const kernels = spreadKernels(count);
  const { workspace, workspacePath, storeSeconds } = await prepareScale(dataDir, kernels);
  // A source of this run's own: the drivers (and the shards', merged and squashed images made of them) differ
  // from every earlier run's, so the default engine's build cache cannot hand back a merge or squash of an earlier run.
  const source = path.join(workspacePath, "kernel-modules/probe/main.c");
  fs.appendFileSync(source, `/* rehearsal ${new Date().toISOString()} */\n`);
  git(workspacePath, "commit", "-qam", "this run's source");
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
    const { getDb } = await import("../lib/db/client");
    const { builds, bundles, steps } = await import("../lib/db/schema");
    const { inArray } = await import("drizzle-orm");
    const stepsOf = (buildIds: number[]): Step[] =>
      getDb().select({ buildId: steps.buildId, name: steps.name, startedAt: steps.startedAt, finishedAt: steps.finishedAt }).from(steps).where(inArray(steps.buildId, buildIds)).all();
    const buildBody = { workspaceId: workspace.id, branch: "master", legacyProbes: true, sharding: { engines: engineCount, registryId } };

    const started = Date.now();
    const created = (await postJson(`${server.url}/api/builds`, buildBody)) as { id: number };
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
    await waitForEnd(server, created.id);
    const ended = Date.now();
    const view = await getJson<BuildView>(server, `/api/builds/${created.id}`);
    const cold = await whereTimeWent(server, view, started, ended, stepsOf);
    const memory = memoryOf(dashboardServerPid(server.process.pid!));

    const pageAfter = await timePage(browser, `${server.url}/builds/${created.id}`, "main h1");
    const gridAfter = await timePage(browser, `${server.url}/coverage?build=${created.id}`, "main h1");
    const coverageStarted = Date.now();
    const coverage = await fetch(`${server.url}/api/builds/${created.id}/coverage`, { headers: auth });
    const coverageBytes = (await coverage.arrayBuffer()).byteLength;
    const coverageSeconds = (Date.now() - coverageStarted) / 1000;

    // Each shard's context as kobuild streams it: the checkout and that shard's bundles (the shard builds' options name them).
    const fileOf = new Map(getDb().select({ id: bundles.id, kernel: bundles.kernel }).from(bundles).all().map((b) => [b.id, path.join(dataDir, "bundles", `bundle-${b.kernel}.tgz`)]));
    const contexts: string[] = [];
    for (const shardBuild of getDb().select({ id: builds.id, options: builds.options }).from(builds).all()) {
      const ids = (shardBuild.options as { bundleIds?: unknown } | null)?.bundleIds;
      if (shardBuild.id === created.id || !Array.isArray(ids)) continue;
      const files = ids.map((id) => fileOf.get(id as number)).filter((f): f is string => f !== undefined && fs.existsSync(f));
      const c = await measureContext(workspacePath, files);
      contexts.push(`build ${shardBuild.id}: ${files.length} bundles, ${Math.round(c.bytes / 1024)} KiB in ${round(c.seconds, 2)} s`);
    }
    const dbBytes = ["kobuild.db", "kobuild.db-wal"].map((f) => path.join(dataDir, f)).filter((f) => fs.existsSync(f)).reduce((sum, f) => sum + fs.statSync(f).size, 0);

    // The same build again on the same engines, now warm: a new commit changes the driver source of one
    // module version, so the patcher, the task master and every builder run again and that version's
    // drivers change (nothing of the build, merge or squash comes from the build cache) while the engines
    // hold the base images from the first build.
    fs.appendFileSync(source, "/* the warm build's commit */\n");
    git(workspacePath, "commit", "-qam", "the warm build's commit");
    const warmStarted = Date.now();
    const warmCreated = (await postJson(`${server.url}/api/builds`, buildBody)) as { id: number };
    await waitForEnd(server, warmCreated.id);
    const warmEnded = Date.now();
    const warmView = await getJson<BuildView>(server, `/api/builds/${warmCreated.id}`);
    const warm = await whereTimeWent(server, warmView, warmStarted, warmEnded, stepsOf);
    const warmMemory = memoryOf(dashboardServerPid(server.process.pid!));

    return {
      [`kernels (tiny bundles), stored in-process`]: `${count} in ${round(storeSeconds, 1)} s`,
      "engines": engineCount,
      "tasks planned": `${view.plan.planned ?? "?"} (cold), ${warmView.plan.planned ?? "?"} (warm)`,
      ...Object.fromEntries(Object.entries(cold.lines).map(([k, v]) => [`cold: ${k}`, v])),
      "each shard's context as kobuild streams it": contexts.join("; "),
      "GET /api/builds/:id/coverage: seconds, bytes": `${round(coverageSeconds, 2)}, ${coverageBytes}`,
      "build page in chromium while the shards run": pageWhileRunning,
      "build page in chromium after": pageAfter,
      "coverage grid in chromium after": gridAfter,
      "database size after the cold build (MiB)": round(dbBytes / 2 ** 20, 1),
      "dashboard RSS after the cold build, peak (MiB)": `${round(memory.rss / 1024, 0)}, ${round(memory.peak / 1024, 0)}`,
      ...Object.fromEntries(Object.entries(warm.lines).map(([k, v]) => [`warm: ${k}`, v])),
      "dashboard RSS after the warm build, peak (MiB)": `${round(warmMemory.rss / 1024, 0)}, ${round(warmMemory.peak / 1024, 0)}`,
    };
  } finally {
    await browser?.close();
    await server?.stop();
    for (const engine of engines) await engine.destroy().catch(() => undefined);
    await registry.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
