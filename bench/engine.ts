// Build engine benchmarks: log throughput, live-event latency, and the sample
// build through kobuild against the same build with the docker CLI.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { auth, benchPort, cacheDir, engineCpuSeconds, goal, makeDockerfileWorkspace, percentile, postJson, repoRoot, startServer, tempDir, treeCpuSeconds, waitForEnd, type Server } from "./support";

const TOOLCHAIN = "kobuild/toolchain:bookworm-1";
/** The log throughput runs: the classic builder keeps every line; BuildKit is measured where it usually keeps them all and where it does not. */
const FLOODS = [
  { builder: "classic", lines: 500_000 },
  { builder: "buildkit", lines: 100_000 },
  { builder: "buildkit", lines: 500_000 },
] as const;

type Result = Record<string, number | string>;

export async function benchEngine(): Promise<Result> {
  const dataDir = tempDir("engine");
  process.env.KOBUILD_DATA_DIR = dataDir;
  const { registerWorkspace } = await import("../lib/workspace/register-workspace");
  const { importSample } = await import("../lib/workspace/import-sample");

  const nonce = `${process.pid}-${Date.now()}`;
  const floods = new Map<number, number>();
  for (const lines of new Set(FLOODS.map((f) => f.lines))) {
    const flood = await registerWorkspace({
      name: `flood-${lines}`,
      // A driver build must leave /kernel-modules; this one only floods the log.
      path: makeDockerfileWorkspace(path.join(dataDir, `flood-${lines}`), [`FROM ${TOOLCHAIN}`, `RUN echo ${nonce} && seq -f "line %.0f of ${lines}: the quick brown fox jumps over the lazy dog" 1 ${lines} && mkdir -p /kernel-modules /FAILURES`, ""].join("\n")),
      dockerfile: "Dockerfile",
      network: "none",
    });
    floods.set(lines, flood.id);
  }
  const ticks = await registerWorkspace({
    name: "ticks",
    path: makeDockerfileWorkspace(path.join(dataDir, "ticks"), [`FROM ${TOOLCHAIN}`, `RUN echo ${nonce} && for i in $(seq 1 300); do echo "tick $i $(date +%s%N)"; sleep 0.02; done && mkdir -p /kernel-modules /FAILURES`, ""].join("\n")),
    dockerfile: "Dockerfile",
    network: "none",
  });
  execFileSync("bash", [path.join(repoRoot, "scripts/sample-workspace.sh")], { env: { ...process.env, KOBUILD_DATA_DIR: dataDir }, stdio: "ignore" });
  const samplePath = path.join(dataDir, "workspaces", "sample");
  const sample = await importSample({ workspacePath: samplePath, bundleDir: path.join(cacheDir, "bundles") });

  const server = await startServer(dataDir, benchPort);
  try {
    // KOBUILD_BENCH_ENGINE=pairs: only kobuild against the CLI, for checking a change to the build's path quickly.
    if (process.env.KOBUILD_BENCH_ENGINE === "pairs") return await sampleBuilds(server, sample.workspace.id, samplePath, { pairsOnly: true });
    return {
      ...(await logThroughput(server, floods)),
      ...(await eventLatency(server, ticks.id)),
      ...(await sampleBuilds(server, sample.workspace.id, samplePath)),
    };
  } finally {
    await server.stop();
  }
}

async function logThroughput(server: Server, floods: ReadonlyMap<number, number>): Promise<Result> {
  const result: Result = {};
  // The classic builder hands over every line; engine 20.10's BuildKit loses part of a large log
  // (`npm run bench -- buildkit-loss` shows the engine itself sends only part of it).
  for (const { builder, lines } of FLOODS) {
    const build = (await postJson(`${server.url}/api/builds`, { workspaceId: floods.get(lines), branch: "master", builder })) as { id: number };
    const done = (await waitForEnd(server, build.id)) as unknown as { finishedAt: string; stages: { name: string; startedAt: string }[]; warnings: string[] };
    const log = await (await fetch(`${server.url}/api/builds/${build.id}/logs?stage=stage-0`, { headers: auth })).text();
    const stored = log.split("\n").filter((l) => /^line \d+ of/.test(l)).length;
    const seconds = (Date.parse(done.finishedAt) - Date.parse(done.stages[0]!.startedAt)) / 1000;
    const run = `${builder}, ${lines.toLocaleString("en-US")} lines`;
    result[`${run}: log lines stored`] = `${stored} of ${lines}`;
    result[`${run}: step start to all stored (s)`] = round(seconds);
    result[`${run}: log lines per second`] = Math.round(stored / seconds);
    result[`${run}: warnings`] = done.warnings.length;
  }
  return result;
}

async function eventLatency(server: Server, workspaceId: number): Promise<Result> {
  const build = (await postJson(`${server.url}/api/builds`, { workspaceId, branch: "master" })) as { id: number };
  const response = await fetch(`${server.url}/api/builds/${build.id}/events`, { headers: auth });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const delays: number[] = [];
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const now = Date.now();
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const frame = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const m = /"text":"tick \d+ (\d+)"/.exec(frame);
      if (m) delays.push(now - Number(BigInt(m[1]!) / 1_000_000n));
    }
    if (buffer.includes("event: end")) break;
  }
  await reader.cancel();
  return {
    "live lines measured": delays.length,
    "line to SSE client p50 (ms)": percentile(delays, 50),
    "line to SSE client p95 (ms)": percentile(delays, 95),
    "line to SSE client max (ms)": Math.max(...delays),
  };
}

/** Uncached sample builds: each gets its own uncommitted change, built with CHECKOUT_BEFORE_PATCHING=false. */
async function sampleBuilds(server: Server, workspaceId: number, samplePath: string, { pairsOnly = false } = {}): Promise<Result> {
  const probe = path.join(samplePath, "kernel-modules/probe/main.c");
  const original = fs.readFileSync(probe, "utf8");
  let n = 0;
  const touch = () => {
    const source = `${original}/* bench ${process.pid} ${Date.now()} ${n++} */\n`;
    fs.writeFileSync(probe, source);
    return source;
  };

  /** A build of a fresh change, or of `source` again (the same sources: the engine has every stage). */
  const viaKobuild = async (extra: Record<string, unknown> = {}, again?: { source: string }) => {
    const source = again ? again.source : touch();
    if (again) fs.writeFileSync(probe, source);
    const dashboardCpu = treeCpuSeconds(server.process.pid!);
    const engineCpu = engineCpuSeconds();
    const started = Date.now();
    const build = (await postJson(`${server.url}/api/builds`, { workspaceId, branch: "master", checkoutBeforePatching: false, ...extra })) as { id: number };
    const done = (await waitForEnd(server, build.id)) as unknown as { tag: string; plan: { planned: number } | null };
    const ended = Date.now();
    const cpu = { dashboard: treeCpuSeconds(server.process.pid!) - dashboardCpu, engine: engineCpuSeconds() - engineCpu };
    return { seconds: (ended - started) / 1000, id: build.id, tag: done.tag, planned: done.plan?.planned ?? 0, source, cpu, phases: await buildPhases(server, build.id, started, ended) };
  };
  /**
   * The same build with the docker CLI. `asTar`: its context sent as one tar
   * on stdin, as kobuild sends it, instead of through the CLI's session (which
   * hands the engine the Dockerfile first and the files as the steps ask for them).
   */
  const viaCli = (asTar = false) => {
    touch();
    const ctx = tempDir("ctx");
    fs.cpSync(samplePath, path.join(ctx, "collector"), { recursive: true });
    fs.mkdirSync(path.join(ctx, "bundles"));
    for (const f of fs.readdirSync(path.join(cacheDir, "bundles"))) fs.copyFileSync(path.join(cacheDir, "bundles", f), path.join(ctx, "bundles", f));
    const args = ["build", "--network", "none", "-q", "--build-arg", "CHECKOUT_BEFORE_PATCHING=false", "-t", `kobuild-bench/cli:${process.pid}`];
    const dockerfile = "collector/kernel-modules/dockerized/Dockerfile";
    const engineCpu = engineCpuSeconds();
    const started = Date.now();
    const r = asTar
      ? spawnSync("bash", ["-c", `tar -C "$1" -cf - . | /usr/bin/docker ${args.join(" ")} -f ${dockerfile} -`, "bash", ctx], { env: { ...process.env, DOCKER_BUILDKIT: "1" }, encoding: "utf8" })
      : spawnSync("/usr/bin/docker", [...args, "-f", path.join(ctx, dockerfile), ctx], { env: { ...process.env, DOCKER_BUILDKIT: "1" }, encoding: "utf8" });
    const seconds = (Date.now() - started) / 1000;
    if (!asTar) cliEngineCpu.push(engineCpuSeconds() - engineCpu);
    fs.rmSync(ctx, { recursive: true, force: true });
    if (r.status !== 0) throw new Error(`docker build failed: ${r.stderr}`);
    return seconds;
  };

  /**
   * The same build sent from this process through the engine's API the way
   * kobuild sends it (its context through a BuildKit session), the progress
   * only drained: what kobuild's way of sending a build costs, apart from the
   * dashboard's work around it.
   */
  const { engineContextOf } = await import("../lib/builds/build-context");
  const { postBuild, sendBuildContext } = await import("../lib/docker/send-build-context");
  const { createEngineClient } = await import("../lib/docker/engine");
  const engine = createEngineClient({ dockerHost: process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock" });
  const bundleFiles = fs.readdirSync(path.join(cacheDir, "bundles")).map((f) => path.join(cacheDir, "bundles", f));
  const viaEngineApi = async () => {
    touch();
    const started = Date.now();
    let tail = "";
    await sendBuildContext(engine, engineContextOf({ workspacePath: samplePath, bundleFiles }, "build"), { useBuildKit: true, stallSeconds: 600 }, async (delivery, signal) => {
      const response = await postBuild(engine, delivery, signal, {
        dockerfile: "collector/kernel-modules/dockerized/Dockerfile",
        t: `kobuild-bench/api:${process.pid}`,
        buildargs: { CHECKOUT_BEFORE_PATCHING: "false" },
        networkmode: "none",
        version: "2",
      });
      for await (const chunk of response) tail = (tail + String(chunk)).slice(-4096);
    });
    if (!tail.includes("moby.image.id")) throw new Error(`the engine API build failed: ${tail}`);
    return (Date.now() - started) / 1000;
  };

  const kobuild: number[] = [];
  const api: number[] = [];
  const cli: number[] = [];
  const cliTar: number[] = [];
  const timelines: Phases[] = [];
  // CPU beside the compilers' on a machine whose cores the compilers fill: what kobuild adds shows as time.
  const dashboardCpu: number[] = [];
  const kobuildEngineCpu: number[] = [];
  const cliEngineCpu: number[] = [];
  let last = { seconds: 0, id: 0, tag: "", planned: 0, source: "", cpu: { dashboard: 0, engine: 0 }, phases: {} as Phases };
  const pairs = Number(process.env.KOBUILD_BENCH_PAIRS ?? 5);
  for (let i = 0; i < pairs; i++) {
    // Alternate, so that neither side always runs on a warmer machine.
    if (i % 2 === 0) {
      last = await viaKobuild();
      kobuild.push(last.seconds);
      api.push(await viaEngineApi());
      cli.push(viaCli());
      cliTar.push(viaCli(true));
    } else {
      cliTar.push(viaCli(true));
      cli.push(viaCli());
      api.push(await viaEngineApi());
      last = await viaKobuild();
      kobuild.push(last.seconds);
    }
    timelines.push(last.phases);
    dashboardCpu.push(last.cpu.dashboard);
    kobuildEngineCpu.push(last.cpu.engine);
  }
  const ratios = kobuild.map((k, i) => round(k / cli[i]!, 3));
  const median = (xs: number[]) => percentile(xs, 50);
  const uncached = median(kobuild);
  const pairFigures = {
    [`sample build via kobuild, median of ${pairs} (s)`]: round(uncached),
    [`sample build via docker CLI, median of ${pairs} (s)`]: round(median(cli)),
    "kobuild / CLI": goal(round(median(kobuild) / median(cli), 3), "<= 1.05", (x) => x <= 1.05),
    "kobuild / CLI, pair by pair": ratios.join(", "),
    [`sample build via docker CLI, the context as a tar on stdin, median of ${pairs} (s)`]: round(median(cliTar)),
    "kobuild / CLI with the context as a tar": round(median(kobuild) / median(cliTar), 3),
    [`sample build via the engine API, sent as kobuild sends it (a BuildKit session), median of ${pairs} (s)`]: round(median(api)),
    "kobuild / the engine API sent as kobuild sends it": round(median(kobuild) / median(api), 3),
    "the engine API sent as kobuild sends it / CLI": round(median(api) / median(cli), 3),
    ...Object.fromEntries(PHASES.map((p) => [`kobuild phase: ${p} (median ms)`, percentile(timelines.map((t) => t[p] ?? 0), 50)])),
    "dashboard CPU per kobuild build, median (s)": round(median(dashboardCpu)),
    "engine daemons' CPU per build (dockerd, containerd), kobuild / CLI, medians (s)": `${round(median(kobuildEngineCpu))} / ${round(median(cliEngineCpu))}`,
  };
  if (pairsOnly) {
    fs.writeFileSync(probe, original);
    return pairFigures;
  }
  // The last build again, nothing changed: the engine reuses every stage.
  const unchanged = await viaKobuild({}, last);
  // A change, on the last build's result as cache: only the tasks that failed there are built.
  const cacheRepo = last.tag.slice(0, last.tag.lastIndexOf("/"));
  const cacheTag = last.tag.slice(last.tag.lastIndexOf(":") + 1);
  const onCache = await viaKobuild({ cacheRepo, cacheTag });
  // The preview of the build just made: its task master's stages are in the engine's cache.
  const previews: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = Date.now();
    await postJson(`${server.url}/api/builds/plan`, { workspaceId, branch: "master", checkoutBeforePatching: false, cacheRepo, cacheTag });
    previews.push(Date.now() - t0);
  }
  const oneJob = await viaKobuild({ buildJobs: 1 });
  const twoJobs = await viaKobuild({ buildJobs: 2 });
  fs.writeFileSync(probe, original);
  const faster = (s: number) => s < uncached;
  return {
    ...pairFigures,
    "sample build again, nothing changed: every stage cached (s)": goal(round(unchanged.seconds), "faster than uncached", faster),
    "sample build on its own result as cache: tasks built": `${onCache.planned} of ${last.planned}`,
    "plan preview, stages cached, median of 5 (ms)": goal(percentile(previews, 50), "< 3000", (x) => x < 3000),
    "sample build on its own result as cache (s)": goal(round(onCache.seconds), "faster than uncached", faster),
    "sample build, BUILD_JOBS=1 (s)": round(oneJob.seconds),
    "sample build, BUILD_JOBS=2 (s)": round(twoJobs.seconds),
    "rhel-8 builder time / its tasks' time, BUILD_JOBS=1": goal(await builderShare(server, oneJob.id), ">= 0.95: one task at a time", (x) => x >= 0.95),
    "rhel-8 builder time / its tasks' time, BUILD_JOBS=2": goal(await builderShare(server, twoJobs.id), "< 0.8: tasks overlap", (x) => x < 0.8),
  };
}

const PHASES = ["request to queued", "queued to started", "started to the sources known", "sources known to the build sent", "build sent to the engine's first step", "the engine's steps", "last step to the image read", "reading the image", "image read to finished", "finished to the client"] as const;
type Phases = Partial<Record<(typeof PHASES)[number], number>>;

/**
 * Where a build's time went, from its own record: its times, its stages'
 * times (the engine's clock) and the times of kobuild's notes in its log.
 */
async function buildPhases(server: Server, id: number, posted: number, seen: number): Promise<Phases> {
  const build = (await (await fetch(`${server.url}/api/builds/${id}`, { headers: auth })).json()) as {
    createdAt: string;
    startedAt: string;
    finishedAt: string;
    stages: { startedAt: string | null; finishedAt: string | null }[];
  };
  const lines = (await (await fetch(`${server.url}/api/builds/${id}/logs?format=ndjson`, { headers: auth })).text())
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { ts: number; stream: number; text: string });
  const note = (re: RegExp) => lines.find((l) => l.stream === 0 && re.test(l.text))?.ts;
  const times = (key: "startedAt" | "finishedAt") => build.stages.map((s) => s[key]).filter((t): t is string => t !== null).map(Date.parse);
  const created = Date.parse(build.createdAt);
  const started = Date.parse(build.startedAt);
  const firstStep = Math.min(...times("startedAt"));
  const lastStep = Math.max(...times("finishedAt"));
  const sources = note(/^kobuild: the sources: /) ?? started;
  const sent = note(/^kobuild: building /) ?? sources;
  const reading = note(/^kobuild: reading \/kernel-modules/) ?? lastStep;
  const read = note(/^kobuild: \d+ driver file/) ?? reading;
  const finished = Date.parse(build.finishedAt);
  return {
    "request to queued": created - posted,
    "queued to started": started - created,
    "started to the sources known": sources - started,
    "sources known to the build sent": sent - sources,
    "build sent to the engine's first step": firstStep - sent,
    "the engine's steps": lastStep - firstStep,
    "last step to the image read": reading - lastStep,
    "reading the image": read - reading,
    "image read to finished": finished - read,
    "finished to the client": seen - finished,
  };
}

/** The rhel-8 builder's seconds over the sum of its tasks' seconds, from the build's log (build-drivers.sh prints both). */
async function builderShare(server: Server, id: number) {
  const log = await (await fetch(`${server.url}/api/builds/${id}/logs?stage=rhel-8-builder`, { headers: auth })).text();
  const wall = /rhel-8 builder: \d+ task\(s\) in ([0-9.]+) s/.exec(log)?.[1];
  if (!wall) throw new Error(`build ${id}: no rhel-8 builder summary in its log`);
  const tasks = [...log.matchAll(/KOBUILD-TASK end .* seconds=([0-9.]+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  return round(Number(wall) / tasks, 3);
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
