// Where BuildKit's log lines are lost: the engine benchmark's flood build
// (one step printing 100,000 and then 500,000 lines), sent to the engine as
// kobuild sends a BuildKit build (dockerode's buildImage with version "2", a
// build id, network none) by a bare dockerode client whose reader only keeps
// each chunk with its arrival time. Once the stream is closed (10 s after the
// image id) it counts, second by second: the bytes of the step's log messages
// and the empty progress messages (`{"id":"moby.buildkit.trace","aux":""}`).
// No kobuild in between and no slow reader: what is missing here, the engine
// never sent.
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import Docker from "dockerode";
import tar from "tar-stream";
import { decodeStatusResponse } from "../lib/docker/progress/buildkit-status";

const TOOLCHAIN = "kobuild/toolchain:bookworm-1";
/** How long the stream is read after the image id, when only empty messages come. */
const WATCH_MS = Number(process.env.KOBUILD_BENCH_WATCH_MS ?? 10_000);
/** A build that never gives its image id is given up after this long. */
const GIVE_UP_MS = 300_000;

type Result = Record<string, number | string>;

type Second = { bytes: number; logs: number; empty: number };

function floodContext(lines: number, nonce: string) {
  const pack = tar.pack();
  pack.entry({ name: "Dockerfile" }, [`FROM ${TOOLCHAIN}`, `RUN echo ${nonce} && seq -f "line %.0f of ${lines}: the quick brown fox jumps over the lazy dog" 1 ${lines} && mkdir -p /kernel-modules /FAILURES`, ""].join("\n"));
  pack.finalize();
  return Readable.from(pack, { objectMode: false });
}

/** The bytes the step prints: the nonce's line, then the numbered lines. */
function bytesPrinted(lines: number, nonce: string) {
  let bytes = nonce.length + 1;
  for (let i = 1; i <= lines; i++) bytes += `line ${i} of ${lines}: the quick brown fox jumps over the lazy dog\n`.length;
  return bytes;
}

async function flood(engine: Docker, lines: number): Promise<Result> {
  const nonce = `${process.pid}-${Date.now()}`;
  const printed = bytesPrinted(lines, nonce);
  const started = Date.now();
  const response = (await engine.buildImage(floodContext(lines, nonce), {
    rm: true,
    forcerm: true,
    networkmode: "none",
    version: "2",
    buildid: `kobuild-bench-${randomBytes(8).toString("hex")}`,
  } as Docker.ImageBuildOptions)) as NodeJS.ReadableStream & { destroy(): void };

  // The reader only keeps each chunk with its time: the engine must never wait for it (see lib/docker/drain-response.ts).
  // Counting comes after the stream is closed.
  const chunks: [number, Buffer][] = [];
  // When the image id or an error came: the build has ended.
  let ended = 0;
  let endedByEngine = false;
  let tail = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      const now = Date.now();
      if ((ended && now - ended > WATCH_MS) || now - started > GIVE_UP_MS) {
        clearInterval(check);
        response.destroy();
        resolve();
      }
    }, 100);
    response.on("data", (chunk: Buffer) => {
      chunks.push([Date.now(), chunk]);
      // A message may straddle two chunks.
      const seen = (needle: string) => chunk.includes(needle) || Buffer.concat([tail, chunk.subarray(0, 64)]).includes(needle);
      if (!ended && (seen('"moby.image.id"') || seen('"errorDetail"'))) ended = Date.now();
      tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - 64)));
    });
    response.on("end", () => {
      endedByEngine = true;
      clearInterval(check);
      resolve();
    });
    response.on("error", (e: Error) => {
      clearInterval(check);
      if (ended) resolve();
      else reject(e);
    });
  });

  const seconds: Second[] = [];
  const at = (t: number) => (seconds[Math.floor((t - started) / 1000)] ??= { bytes: 0, logs: 0, empty: 0 });
  let received = 0;
  let newlines = 0;
  let emptyTotal = 0;
  let emptyAfterLastLog = 0;
  let lastLog = 0;
  let imageAt = 0;
  let error = "";
  let clipped = false;
  let rest = "";
  const count = (line: string, now: number) => {
    if (!line.trim()) return;
    const message = JSON.parse(line) as { id?: string; aux?: unknown; error?: string };
    if (message.error) error = message.error;
    if (message.id === "moby.image.id") imageAt = now;
    if (message.id !== "moby.buildkit.trace") return;
    if (message.aux === "" || message.aux === undefined) {
      emptyTotal++;
      emptyAfterLastLog++;
      at(now).empty++;
      return;
    }
    for (const log of decodeStatusResponse(message.aux as string).logs ?? []) {
      const msg = log.msg ?? new Uint8Array();
      if (msg.length === 0) continue;
      received += msg.length;
      for (const b of msg) if (b === 0x0a) newlines++;
      if (!clipped && Buffer.from(msg).toString("utf8").includes("[output clipped")) clipped = true;
      lastLog = now;
      emptyAfterLastLog = 0;
      at(now).bytes += msg.length;
      at(now).logs++;
    }
  };
  for (const [now, chunk] of chunks) {
    const parts = (rest + chunk.toString("utf8")).split("\n");
    rest = parts.pop()!;
    for (const part of parts) count(part, now);
  }
  count(rest, chunks.at(-1)?.[0] ?? started);

  const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
  const label = `buildkit-loss, ${lines.toLocaleString("en-US")} lines`;
  const timeline = seconds.map((s, i) => (s ? `${i}s ${mb(s.bytes)} MB/${s.logs}/${s.empty}` : `${i}s 0/0/0`)).join(", ");
  return {
    [`${label}: log bytes received of printed`]: `${received} of ${printed} (${Math.round((received / printed) * 1000) / 10}%)`,
    [`${label}: lines received (newlines)`]: `${newlines} of ${lines + 1}`,
    [`${label}: BuildKit clipped the log (its step log limit)`]: clipped ? "yes" : "no",
    [`${label}: request to the last log byte (s)`]: lastLog ? Math.round((lastLog - started) / 100) / 10 : "no log",
    [`${label}: request to the image id (s)`]: imageAt ? Math.round((imageAt - started) / 100) / 10 : `none${error ? `: ${error}` : ""}`,
    [`${label}: empty progress messages, in all`]: emptyTotal,
    [`${label}: empty progress messages after the last log byte`]: emptyAfterLastLog,
    [`${label}: the stream`]: endedByEngine ? "ended by the engine" : `still open, closed by the client ${WATCH_MS / 1000} s after the image id`,
    [`${label}: per second: MB of log/log messages/empty messages`]: timeline,
  };
}

export async function benchBuildKitLoss(): Promise<Result> {
  // DOCKER_HOST or the local socket, as the docker CLI finds its engine.
  const engine = new Docker();
  const result: Result = {};
  for (const lines of [100_000, 500_000]) Object.assign(result, await flood(engine, lines));
  return result;
}
