// Bundle upload benchmark: a ~1 GB bundle streamed as multipart to
// POST /api/bundles, end-to-end throughput and the serving process's memory.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import tar from "tar-stream";
import { auth, benchPort, cacheDir, percentile, startServer, tempDir, type Server } from "./support";

const KERNEL = "6.1.0-99-bench-amd64";
const NOISE_BYTES = 1024 ** 3;
const RUNS = 3;

type Result = Record<string, number | string>;

export async function benchUpload(): Promise<Result> {
  const bundle = await benchBundle();
  const size = fs.statSync(bundle).size;
  const dataDir = tempDir("upload");
  // The default limit (512 MiB) would refuse it.
  const server = await startServer(dataDir, benchPort + 1, { KOBUILD_MAX_BUNDLE_BYTES: String(4 * 1024 ** 3) });
  try {
    const pid = servingPid(server);
    // The first request loads the route and its modules; that memory is not the upload's.
    await uploadFile(server, path.join(cacheDir, "bundles", fs.readdirSync(path.join(cacheDir, "bundles")).find((f) => f.endsWith(".tgz"))!));
    const loadBefore = os.loadavg()[0]!;
    const runs: { seconds: number; startRss: number; peakRss: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const sampler = sampleRss(pid);
      const started = process.hrtime.bigint();
      const answer = await uploadFile(server, bundle);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const rss = sampler.stop();
      const result = answer.results[0];
      if (answer.status !== 201 || result?.status !== "stored") throw new Error(`the bench bundle was not stored: ${answer.status} ${JSON.stringify(answer.results)}`);
      runs.push({ seconds, ...rss });
      await deleteBundle(server, result.bundle.id);
    }
    const mbps = runs.map((r) => size / 1e6 / r.seconds);
    const growth = runs.map((r) => r.peakRss - r.startRss);
    return {
      // Two cores shared with anything else running: the figures only mean something on a quiet machine.
      "upload: load average before (1 min)": round(loadBefore, 2),
      "upload: bundle size (MB)": round(size / 1e6, 1),
      "upload: runs": RUNS,
      "upload: seconds, median": round(percentile(runs.map((r) => r.seconds), 50)),
      "upload: MB/s, median": round(percentile(mbps, 50), 1),
      "upload: MB/s, slowest": round(Math.min(...mbps), 1),
      "upload: server RSS at start (MB)": round(runs[0]!.startRss / 1e6, 1),
      "upload: server RSS peak (MB)": round(Math.max(...runs.map((r) => r.peakRss)) / 1e6, 1),
      "upload: server RSS growth, largest (MB)": round(Math.max(...growth) / 1e6, 1),
    };
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * A valid bundle as the builders expect one (BUNDLE_* files at the root, a
 * header tree under BUNDLE_BUILD_DIR) with 1 GiB of random bytes in it, so it
 * stays that large compressed. Made once and kept in the cache.
 */
async function benchBundle(): Promise<string> {
  const file = path.join(cacheDir, "bench", `bundle-${KERNEL}.tgz`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const buildDir = `./usr/src/linux-headers-${KERNEL}`;
  const pack = tar.pack();
  const writing = pipeline(pack, zlib.createGzip({ level: 1 }), fs.createWriteStream(`${file}.part`));
  const add = (name: string, content: string) => new Promise<void>((resolve, reject) => pack.entry({ name, mode: 0o644 }, content, (e) => (e ? reject(e) : resolve())));
  const dir = (name: string) => new Promise<void>((resolve, reject) => pack.entry({ name, type: "directory", mode: 0o755 }, (e) => (e ? reject(e) : resolve())));
  await dir("./");
  const fields = { UNAME: KERNEL, VERSION: "6", MAJOR: "1", MINOR: "99", DISTRO: "debian", BUILD_DIR: buildDir, CHECKSUM: "bench" };
  for (const [key, value] of Object.entries(fields)) await add(`./BUNDLE_${key}`, `${value}\n`);
  for (const d of ["./usr/", "./usr/src/", `${buildDir}/`, `${buildDir}/include/`, `${buildDir}/include/generated/`]) await dir(d);
  await add(`${buildDir}/Makefile`, "VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 99\n");
  await add(`${buildDir}/include/generated/utsrelease.h`, `#define UTS_RELEASE "${KERNEL}"\n`);
  await new Promise<void>((resolve, reject) => {
    const sink = pack.entry({ name: `${buildDir}/vmlinux.noise`, size: NOISE_BYTES, mode: 0o644 }, (e) => (e ? reject(e) : resolve()));
    void (async () => {
      for (let left = NOISE_BYTES; left > 0; left -= 1024 ** 2) {
        if (!sink.write(randomBytes(Math.min(left, 1024 ** 2)))) await new Promise<void>((r) => sink.once("drain", () => r()));
      }
      sink.end(undefined);
    })().catch(reject);
  });
  pack.finalize();
  await writing;
  fs.renameSync(`${file}.part`, file);
  return file;
}

type UploadAnswer = { status: number; results: { file: string; status: string; bundle: { id: number }; error?: string }[] };

/** One file as multipart/form-data, read from disk as it is sent: the bench holds one chunk at a time, as a browser would. */
export function uploadFile(server: Server, file: string): Promise<UploadAnswer> {
  const boundary = `----kobuild-bench-${randomBytes(12).toString("hex")}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="bundle"; filename="${path.basename(file)}"\r\nContent-Type: application/gzip\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const length = head.length + fs.statSync(file).size + tail.length;
  async function* body() {
    yield head;
    yield* fs.createReadStream(file, { highWaterMark: 1024 ** 2 });
    yield tail;
  }
  const url = new URL("/api/bundles", server.url);
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", headers: { ...auth, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": length } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (c: Buffer) => chunks.push(c));
      response.on("end", () => {
        try {
          const json = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { results?: UploadAnswer["results"]; error?: string };
          resolve({ status: response.statusCode ?? 0, results: json.results ?? [] });
        } catch (error) {
          reject(error as Error);
        }
      });
      response.on("error", reject);
    });
    request.on("error", reject);
    pipeline(Readable.from(body()), request).catch(reject);
  });
}

async function deleteBundle(server: Server, id: number): Promise<void> {
  const response = await fetch(`${server.url}/api/bundles/${id}`, { method: "DELETE", headers: auth });
  if (!response.ok) throw new Error(`DELETE /api/bundles/${id}: ${response.status}`);
}

/** The process that listens on the server's port: `npm start` runs next in a child, and tsx in another. */
function servingPid(server: Server): number {
  const port = Number(new URL(server.url).port);
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is ip:port in hex; state 0A is LISTEN.
      if (cols.length > 9 && parseInt(cols[1]!.split(":")[1]!, 16) === port && cols[3] === "0A") inodes.add(cols[9]!);
    }
  }
  for (const pid of descendants(server.process.pid!)) {
    const fdDir = `/proc/${pid}/fd`;
    let fds: string[];
    try {
      fds = fs.readdirSync(fdDir);
    } catch {
      continue;
    }
    for (const fd of fds) {
      const link = safeReadlink(path.join(fdDir, fd));
      const m = link && /^socket:\[(\d+)\]$/.exec(link);
      if (m && inodes.has(m[1]!)) return pid;
    }
  }
  throw new Error(`no process under ${server.process.pid} listens on port ${port}`);
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name may hold spaces and parentheses: fields start after the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* the process ended meanwhile */
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

function safeReadlink(p: string): string | null {
  try {
    return fs.readlinkSync(p);
  } catch {
    return null;
  }
}

function readRss(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]) * 1024;
}

/** Samples a process's resident memory every 100 ms until stopped. */
function sampleRss(pid: number) {
  const startRss = readRss(pid);
  let peakRss = startRss;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, readRss(pid));
  }, 100);
  return {
    stop: () => {
      clearInterval(timer);
      peakRss = Math.max(peakRss, readRss(pid));
      return { startRss, peakRss };
    },
  };
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
