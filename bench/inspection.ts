// Bundle inspection benchmark: how fast a real-format bundle is inspected
// (in process and on the inspection worker), and how /api/health answers on
// the built dashboard while each costly or hostile archive of the corpus is
// uploaded and checked.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { inspectBundle } from "../lib/bundles/inspect-bundle";
import { inspectInWorker } from "../lib/bundles/inspect-in-worker";
import { corpusFileName, hostileCorpus } from "../lib/bundles/testing/hostile-corpus";
import { auth, benchPort, cacheDir, percentile, sleep, startServer, tempDir } from "./support";
import { uploadFile } from "./upload";

const RUNS = 3;
const HEALTH_EVERY_MS = 20;

type Result = Record<string, number | string>;

export async function benchInspection(): Promise<Result> {
  // Two cores shared with anything else running: the figures only mean something beside the load.
  const results: Result = { "inspection: load average before (1 min)": round(os.loadavg()[0]!, 2) };
  const big = realFormatBundle();
  const samples = fs
    .readdirSync(path.join(cacheDir, "bundles"))
    .filter((f) => /^bundle-.+\.tgz$/.test(f) && fs.statSync(path.join(cacheDir, "bundles", f)).size > 100_000)
    .map((f) => path.join(cacheDir, "bundles", f));
  // A worker is started once and kept for later uploads: its start is not an inspection's.
  await inspectInWorker(fs.createReadStream(samples[0] ?? big));
  for (const file of [big, ...samples]) {
    const name = path.basename(file);
    const size = fs.statSync(file).size;
    // Decompression alone, the floor under any inspection of the file.
    const gunzip = await timed(() => pipeline(fs.createReadStream(file, { highWaterMark: 256 * 1024 }), zlib.createGunzip({ chunkSize: 256 * 1024 }), new Writable({ write: (_chunk, _encoding, done) => done() })));
    const inProcess = await timed(() => inspectBundle(fs.createReadStream(file, { highWaterMark: 256 * 1024 })));
    const onWorker = await timed(() => inspectInWorker(fs.createReadStream(file, { highWaterMark: 256 * 1024 })));
    results[`inspection: ${name} (${mb(size)} MB, ${inProcess.info.entries} entries, ${mb(inProcess.info.unpackedBytes)} MB unpacked), MB/s gunzip alone`] = round(size / 1e6 / gunzip.seconds, 1);
    results[`inspection: ${name}, MB/s in process`] = round(size / 1e6 / inProcess.seconds, 1);
    results[`inspection: ${name}, MB/s on the worker`] = round(size / 1e6 / onWorker.seconds, 1);
  }
  Object.assign(results, await healthWhileChecking());
  return results;
}

/** Median of RUNS inspections of one file. */
async function timed<T>(run: () => Promise<T>): Promise<{ info: T; seconds: number }> {
  const seconds: number[] = [];
  let info: T | undefined;
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    info = await run();
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  return { info: info!, seconds: percentile(seconds, 50) };
}

/**
 * About 12 MB of real header trees in the builders' format: the sample
 * bundles' trees side by side under one root with its BUNDLE_* files,
 * packed by GNU tar. Made once and kept in the cache.
 */
function realFormatBundle(): string {
  const kernel = "6.1.0-98-bench-amd64";
  const file = path.join(cacheDir, "bench", `bundle-${kernel}.tgz`);
  if (fs.existsSync(file)) return file;
  const work = tempDir("real-format");
  try {
    const root = path.join(work, "root");
    fs.mkdirSync(root);
    const sources = fs.readdirSync(path.join(cacheDir, "bundles")).filter((f) => /^bundle-6\..+\.tgz$/.test(f));
    for (const [i, source] of sources.entries()) {
      const tree = path.join(root, "usr", "src", `tree-${i}`);
      fs.mkdirSync(tree, { recursive: true });
      execFileSync("tar", ["-xzf", path.join(cacheDir, "bundles", source), "-C", tree, "--no-same-owner"]);
      for (const field of fs.readdirSync(tree).filter((f) => f.startsWith("BUNDLE_"))) fs.rmSync(path.join(tree, field));
    }
    const fields = { UNAME: kernel, VERSION: "6", MAJOR: "1", MINOR: "98", DISTRO: "debian", BUILD_DIR: "./usr/src/tree-0", CHECKSUM: "bench" };
    for (const [key, value] of Object.entries(fields)) fs.writeFileSync(path.join(root, `BUNDLE_${key}`), `${value}\n`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    execFileSync("tar", ["-czf", `${file}.part`, "-C", root, "."]);
    fs.renameSync(`${file}.part`, file);
    return file;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** /api/health latencies on the built dashboard, idle and while each costly or hostile archive is uploaded and checked. */
async function healthWhileChecking(): Promise<Result> {
  const results: Result = {};
  const dataDir = tempDir("inspection");
  const server = await startServer(dataDir, benchPort + 4);
  try {
    const idle = await probeHealth(server.url, () => sleep(2000));
    results["health: idle, p50 / p95 / max (ms)"] = spread(idle.latencies);
    const archives = hostileCorpus.filter((c) => c.kind !== "plain");
    for (const archive of archives) {
      const file = path.join(dataDir, corpusFileName);
      fs.writeFileSync(file, await archive.bytes());
      const probe = await probeHealth(server.url, () => uploadFile(server, file));
      const result = probe.outcome.results[0];
      const verdict = result?.status === "rejected" ? (/\((\w+)\)$/.exec(result.error ?? "")?.[1] ?? "rejected") : (result?.status ?? String(probe.outcome.status));
      results[`health while checking: ${archive.what} (${mb(fs.statSync(file).size)} MB, ${verdict} in ${Math.round(probe.millis)} ms): answers, p50 / p95 / max (ms)`] = `${probe.latencies.length}, ${spread(probe.latencies)}`;
      if (result?.status === "stored") await fetch(`${server.url}/api/bundles/${result.bundle.id}`, { method: "DELETE", headers: auth });
      fs.rmSync(file);
    }
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}

/** Asks /api/health every HEALTH_EVERY_MS, one request at a time, for as long as `during` runs. */
async function probeHealth<T>(url: string, during: () => Promise<T>): Promise<{ outcome: T; latencies: number[]; millis: number }> {
  const latencies: number[] = [];
  let running = true;
  const started = performance.now();
  const work = during().finally(() => (running = false));
  while (running) {
    const asked = performance.now();
    const response = await fetch(`${url}/api/health`);
    await response.arrayBuffer();
    latencies.push(performance.now() - asked);
    await sleep(HEALTH_EVERY_MS);
  }
  const outcome = await work;
  return { outcome, latencies, millis: performance.now() - started };
}

function spread(values: number[]): string {
  if (values.length === 0) return "none";
  return `${Math.round(percentile(values, 50))} / ${Math.round(percentile(values, 95))} / ${Math.round(Math.max(...values))}`;
}

const mb = (bytes: number) => round(bytes / 1e6, 2);
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
