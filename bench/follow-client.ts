// One browser's worth of following a build's live events, and a process of
// such followers (the follow benchmark runs several, so that the clients'
// own queueing on one event loop does not count as the dashboard's delay).
import fs from "node:fs";
import http from "node:http";
import readline from "node:readline";

export type Follower = { lines: number; outOfOrder: number; delays: number[]; ended: boolean; error: string | null };

const MARK = Buffer.from('"text":"follow ');
const FRAME_END = Buffer.from("\n\n");
const END_EVENT = Buffer.from("event: end\n");

/**
 * Reads the stream to its `end` event and checks each line's number and delay
 * (printed with bash's $EPOCHREALTIME). The bytes are scanned as they come,
 * never decoded to text: a hundred of these stand for browsers on other
 * machines, and their own cost must leave the cores to the dashboard.
 */
export function follow(url: string, headers: Record<string, string>, buildId: number): Promise<Follower> {
  const me: Follower = { lines: 0, outOfOrder: 0, delays: [], ended: false, error: null };
  return new Promise((resolve) => {
    const request = http.get(`${url}/api/builds/${buildId}/events`, { headers }, (response) => {
      if (response.statusCode !== 200) {
        me.error = `HTTP ${response.statusCode}`;
        response.resume();
        return resolve(me);
      }
      let rest: Buffer = Buffer.alloc(0);
      response.on("data", (chunk: Buffer) => {
        const now = Date.now();
        const bytes = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
        const cut = bytes.lastIndexOf(FRAME_END);
        if (cut < 0) {
          rest = bytes;
          return;
        }
        rest = Buffer.from(bytes.subarray(cut + 2));
        const whole = bytes.subarray(0, cut + 2);
        for (let at = whole.indexOf(MARK); at >= 0; at = whole.indexOf(MARK, at + MARK.length)) {
          const line = readLine(whole, at + MARK.length);
          if (line.seq !== me.lines + 1) me.outOfOrder++;
          me.lines = line.seq;
          me.delays.push(now - line.printedMs);
        }
        if (whole.includes(END_EVENT)) {
          me.ended = true;
          request.destroy();
          resolve(me);
        }
      });
      response.on("end", () => resolve(me));
      response.on("error", (error) => {
        if (!me.ended) me.error = String(error);
        resolve(me);
      });
    });
    request.on("error", (error) => {
      if (!me.ended) me.error = String(error);
      resolve(me);
    });
  });
}

/** `<seq> <seconds>.<microseconds>"` at `at`: the line's number and when it was printed, in ms. */
function readLine(bytes: Buffer, at: number) {
  let i = at;
  let seq = 0;
  for (; bytes[i] !== 0x20; i++) seq = seq * 10 + (bytes[i]! - 0x30);
  let seconds = 0;
  for (i++; bytes[i] !== 0x2e; i++) seconds = seconds * 10 + (bytes[i]! - 0x30);
  let micros = 0;
  for (i++; bytes[i] !== 0x22; i++) micros = micros * 10 + (bytes[i]! - 0x30);
  return { seq, printedMs: seconds * 1000 + Math.floor(micros / 1000) };
}

/** What a process of followers reports back; its delays go to a file as float64s (millions of them). */
export type FollowerProcessReport = { followers: Omit<Follower, "delays">[]; cpuSeconds: number };

/**
 * Run as a process: `<url> <followers> <delays file>`, the authorization
 * header in KOBUILD_BENCH_AUTH. Says "ready", waits for the build id on
 * stdin, follows it, and prints its report as one JSON line.
 */
async function main() {
  const [url, count, delaysFile] = process.argv.slice(2);
  const headers = { authorization: process.env.KOBUILD_BENCH_AUTH ?? "" };
  process.stdout.write("ready\n");
  const input = readline.createInterface({ input: process.stdin });
  const buildId = Number((await input[Symbol.asyncIterator]().next()).value);
  input.close();
  const cpu = process.cpuUsage();
  const followers = await Promise.all(Array.from({ length: Number(count) }, () => follow(url!, headers, buildId)));
  const used = process.cpuUsage(cpu);
  fs.writeFileSync(delaysFile!, Buffer.from(Float64Array.from(followers.flatMap((f) => f.delays)).buffer));
  const report: FollowerProcessReport = { followers: followers.map((f) => ({ lines: f.lines, outOfOrder: f.outOfOrder, ended: f.ended, error: f.error })), cpuSeconds: (used.user + used.system) / 1e6 };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (process.argv[1]?.endsWith("follow-client.ts")) void main();
