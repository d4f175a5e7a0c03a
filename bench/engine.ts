// Build engine benchmarks: log throughput, live-event latency, and the sample
// build through kobuild against the same build with the docker CLI.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { auth, benchPort, cacheDir, makeDockerfileWorkspace, percentile, postJson, repoRoot, startServer, tempDir, waitForEnd, type Server } from "./support";

const TOOLCHAIN = "kobuild/toolchain:bookworm-1";
const LINES = 500_000;

type Result = Record<string, number | string>;

export async function benchEngine(): Promise<Result> {
  const dataDir = tempDir("engine");
  process.env.KOBUILD_DATA_DIR = dataDir;
  const { registerWorkspace } = await import("../lib/workspace/register-workspace");
  const { importSample } = await import("../lib/workspace/import-sample");

  const nonce = `${process.pid}-${Date.now()}`;
  const flood = await registerWorkspace({
    name: "flood",
    // A driver build must leave /kernel-modules; this one only floods the log.
    path: makeDockerfileWorkspace(path.join(dataDir, "flood"), [`FROM ${TOOLCHAIN}`, `RUN echo ${nonce} && seq -f "line %.0f of ${LINES}: the quick brown fox jumps over the lazy dog" 1 ${LINES} && mkdir -p /kernel-modules /FAILURES`, ""].join("\n")),
    dockerfile: "Dockerfile",
    network: "none",
  });
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
    return {
      ...(await logThroughput(server, flood.id)),
      ...(await eventLatency(server, ticks.id)),
      ...(await sampleBuilds(server, sample.workspace.id, samplePath)),
    };
  } finally {
    await server.stop();
  }
}

async function logThroughput(server: Server, workspaceId: number): Promise<Result> {
  const result: Result = { "log lines printed": LINES };
  // The classic builder hands over every line; engine 20.10's BuildKit loses the tail of so large a log.
  for (const builder of ["classic", "buildkit"] as const) {
    const build = (await postJson(`${server.url}/api/builds`, { workspaceId, branch: "master", builder })) as { id: number };
    const done = (await waitForEnd(server, build.id)) as unknown as { finishedAt: string; stages: { name: string; startedAt: string }[]; warnings: string[] };
    const log = await (await fetch(`${server.url}/api/builds/${build.id}/logs?stage=stage-0`, { headers: auth })).text();
    const stored = log.split("\n").filter((l) => /^line \d+ of/.test(l)).length;
    const seconds = (Date.parse(done.finishedAt) - Date.parse(done.stages[0]!.startedAt)) / 1000;
    result[`${builder}: log lines stored`] = stored;
    result[`${builder}: step start to all stored (s)`] = round(seconds);
    result[`${builder}: log lines per second`] = Math.round(stored / seconds);
    result[`${builder}: warnings`] = done.warnings.length;
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
async function sampleBuilds(server: Server, workspaceId: number, samplePath: string): Promise<Result> {
  const probe = path.join(samplePath, "kernel-modules/probe/main.c");
  const original = fs.readFileSync(probe, "utf8");
  let n = 0;
  const touch = () => fs.writeFileSync(probe, `${original}/* bench ${process.pid} ${Date.now()} ${n++} */\n`);

  const viaKobuild = async (extra: Record<string, unknown> = {}) => {
    touch();
    const started = Date.now();
    const build = (await postJson(`${server.url}/api/builds`, { workspaceId, branch: "master", checkoutBeforePatching: false, ...extra })) as { id: number };
    await waitForEnd(server, build.id);
    return (Date.now() - started) / 1000;
  };
  const viaCli = () => {
    touch();
    const ctx = tempDir("ctx");
    fs.cpSync(samplePath, path.join(ctx, "collector"), { recursive: true });
    fs.mkdirSync(path.join(ctx, "bundles"));
    for (const f of fs.readdirSync(path.join(cacheDir, "bundles"))) fs.copyFileSync(path.join(cacheDir, "bundles", f), path.join(ctx, "bundles", f));
    const started = Date.now();
    const r = spawnSync("/usr/bin/docker", ["build", "--network", "none", "-q", "-f", path.join(ctx, "collector/kernel-modules/dockerized/Dockerfile"), "--build-arg", "CHECKOUT_BEFORE_PATCHING=false", "-t", `kobuild-bench/cli:${process.pid}`, ctx], {
      env: { ...process.env, DOCKER_BUILDKIT: "1" },
      encoding: "utf8",
    });
    const seconds = (Date.now() - started) / 1000;
    fs.rmSync(ctx, { recursive: true, force: true });
    if (r.status !== 0) throw new Error(`docker build failed: ${r.stderr}`);
    return seconds;
  };

  const kobuild: number[] = [];
  const cli: number[] = [];
  for (let i = 0; i < 3; i++) {
    // Alternate, so that neither side always runs on a warmer machine.
    if (i % 2 === 0) {
      kobuild.push(await viaKobuild());
      cli.push(viaCli());
    } else {
      cli.push(viaCli());
      kobuild.push(await viaKobuild());
    }
  }
  const oneJob = await viaKobuild({ buildJobs: 1 });
  const twoJobs = await viaKobuild({ buildJobs: 2 });
  fs.writeFileSync(probe, original);
  const median = (xs: number[]) => percentile(xs, 50);
  return {
    "sample build via kobuild, median of 3 (s)": round(median(kobuild)),
    "sample build via docker CLI, median of 3 (s)": round(median(cli)),
    "kobuild / CLI": round(median(kobuild) / median(cli), 3),
    "sample build, BUILD_JOBS=1 (s)": round(oneJob),
    "sample build, BUILD_JOBS=2 (s)": round(twoJobs),
  };
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
