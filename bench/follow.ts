// Many browsers following one build: 100 live event streams
// (GET /api/builds/:id/events) on a real build whose only step prints 100,000
// lines through the engine, as a builder's output reaches kobuild. Each client
// must get every line, in order; the delay is from the moment the line was
// printed in the container (bash's $EPOCHREALTIME, the same clock) to the
// moment the client read it. The dashboard's memory is sampled every second.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import type { FollowerProcessReport } from "./follow-client";
import { auth, benchPort, goal, makeDockerfileWorkspace, postJson, startServer, tempDir, sleep, treeCpuSeconds, treeRss, type Server } from "./support";

const TOOLCHAIN = "kobuild/toolchain:bookworm-1";
const CLIENTS = Number(process.env.KOBUILD_BENCH_FOLLOWERS ?? 100);
/** Processes the followers are spread over: one Node event loop decoding ten million frames queues them itself. */
const PROCESSES = Number(process.env.KOBUILD_BENCH_FOLLOWER_PROCESSES ?? 4);
const LINES = 100_000;
/** Lines printed between two pauses of 0.1 s: about 10,000 lines a second, a busy compile's pace. */
const BURST = 1_000;

type Result = Record<string, number | string>;


/** The followers, spread over processes of their own; resolves once every process is ready to follow. */
async function startFollowerProcesses(server: Server, dataDir: string) {
  const processes = Math.max(1, Math.min(PROCESSES, CLIENTS));
  const children = Array.from({ length: processes }, (_, i) => {
    const count = Math.floor(CLIENTS / processes) + (i < CLIENTS % processes ? 1 : 0);
    const delaysFile = path.join(dataDir, `follower-delays-${i}.bin`);
    // The same node and loader as this process (tsx), so the client runs as TypeScript.
    const child = spawn(process.execPath, [...process.execArgv, path.join(__dirname, "follow-client.ts"), server.url, String(count), delaysFile], {
      env: { ...process.env, KOBUILD_BENCH_AUTH: auth.authorization },
      stdio: ["pipe", "pipe", "inherit"],
    });
    const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    return { child, lines, delaysFile };
  });
  for (const c of children) if ((await c.lines.next()).value !== "ready") throw new Error("a follower process did not start");
  return {
    /** Hands every process the build to follow; resolves with their reports and every delay. */
    async follow(buildId: number) {
      for (const c of children) c.child.stdin!.end(`${buildId}\n`);
      const reports = await Promise.all(children.map(async (c) => JSON.parse(String((await c.lines.next()).value)) as FollowerProcessReport));
      await Promise.all(children.map((c) => new Promise((r) => (c.child.exitCode !== null ? r(null) : c.child.once("exit", r)))));
      const delays = children.map((c) => new Float64Array(new Uint8Array(fs.readFileSync(c.delaysFile)).buffer));
      return { reports, delays };
    },
    processes,
  };
}

export async function benchFollow(): Promise<Result> {
  const dataDir = tempDir("follow");
  process.env.KOBUILD_DATA_DIR = dataDir;
  const { registerWorkspace } = await import("../lib/workspace/register-workspace");
  const nonce = `${process.pid}-${Date.now()}`;
  const script = `for ((i=1;i<=${LINES};i++)); do echo "follow $i $EPOCHREALTIME"; if (( i % ${BURST} == 0 )); then sleep 0.1; fi; done`;
  const workspace = await registerWorkspace({
    name: "follow",
    // A driver build must leave /kernel-modules; this one only prints.
    path: makeDockerfileWorkspace(path.join(dataDir, "follow"), [`FROM ${TOOLCHAIN}`, `RUN echo ${nonce} && bash -c '${script}' && mkdir -p /kernel-modules /FAILURES`, ""].join("\n")),
    dockerfile: "Dockerfile",
    network: "none",
  });
  const server = await startServer(dataDir, benchPort);
  const samples: { t: number; rss: number }[] = [];
  const started = Date.now();
  const sampler = setInterval(() => samples.push({ t: Math.round((Date.now() - started) / 1000), rss: treeRss(server.process.pid!) }), 1000);
  try {
    await sleep(3000); // the idle dashboard's memory before anyone follows
    const idle = treeRss(server.process.pid!);
    const followers = await startFollowerProcesses(server, dataDir);
    const serverCpuBefore = treeCpuSeconds(server.process.pid!);
    // The classic builder hands over every line of a large log; engine 20.10's BuildKit loses its tail.
    const build = (await postJson(`${server.url}/api/builds`, { workspaceId: workspace.id, branch: "master", builder: "classic" })) as { id: number };
    const { reports, delays: perProcess } = await followers.follow(build.id);
    const seconds = (Date.now() - started) / 1000;
    const serverCpu = treeCpuSeconds(server.process.pid!) - serverCpuBefore;
    const clientCpu = reports.reduce((n, r) => n + r.cpuSeconds, 0);
    await sleep(3000);
    const after = treeRss(server.process.pid!);
    clearInterval(sampler);
    // Ten million figures: one typed array, sorted once (spreading them into Math.max overflows the stack).
    const delays = new Float64Array(perProcess.reduce((n, d) => n + d.length, 0));
    perProcess.reduce((at, d) => (delays.set(d, at), at + d.length), 0);
    delays.sort();
    const at = (p: number) => delays[Math.min(delays.length - 1, Math.ceil((p / 100) * delays.length) - 1)] ?? Number.NaN;
    const all = reports.flatMap((r) => r.followers);
    const complete = all.filter((f) => f.ended && f.error === null && f.lines === LINES && f.outOfOrder === 0).length;
    const peak = samples.reduce((m, s) => Math.max(m, s.rss), 0);
    const mib = (b: number) => Math.round(b / 2 ** 20);
    const errors = [...new Set(all.map((f) => f.error).filter(Boolean))];
    const p95 = at(95);
    return {
      "followers": CLIENTS,
      "follower processes": followers.processes,
      "lines printed": LINES,
      "followers with every line, in order": goal(complete, `= ${CLIENTS}`, (n) => n === CLIENTS),
      "lines received in all": delays.length,
      "out-of-order lines": all.reduce((n, f) => n + f.outOfOrder, 0),
      "follower errors": errors.length ? errors.slice(0, 3).join("; ") : 0,
      "printed to client p50 (ms)": at(50),
      "printed to client p95 (ms)": goal(p95, "< 250", (v) => v < 250),
      "printed to client p99 (ms)": at(99),
      "printed to client max (ms)": delays[delays.length - 1] ?? Number.NaN,
      "first sample (3 s before the build is queued) to last client done (s)": Math.round(seconds * 10) / 10,
      "dashboard CPU while following (s)": Math.round(serverCpu * 10) / 10,
      "the followers' own CPU, all their processes (s)": Math.round(clientCpu * 10) / 10,
      "dashboard RSS idle (MiB)": mib(idle),
      "dashboard RSS peak while following (MiB)": mib(peak),
      "dashboard RSS 3 s after the end (MiB)": mib(after),
      "dashboard RSS every 5 s (MiB)": samples.filter((s) => s.t % 5 === 0).map((s) => `${s.t}s ${mib(s.rss)}`).join(", "),
    };
  } finally {
    clearInterval(sampler);
    await server.stop();
  }
}
