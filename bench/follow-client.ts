// One browser's worth of following a build's live events, and a process of
// such followers (the follow benchmark runs several, so that the clients'
// own queueing on one event loop does not count as the dashboard's delay).
import fs from "node:fs";
import readline from "node:readline";

export type Follower = { lines: number; outOfOrder: number; delays: number[]; ended: boolean; error: string | null };

/** Reads the stream to its `end` event and checks each line's number and delay (printed with bash's $EPOCHREALTIME). */
export async function follow(url: string, headers: Record<string, string>, buildId: number): Promise<Follower> {
  const me: Follower = { lines: 0, outOfOrder: 0, delays: [], ended: false, error: null };
  try {
    const response = await fetch(`${url}/api/builds/${buildId}/events`, { headers });
    if (!response.ok || !response.body) throw new Error(`${response.status} ${await response.text()}`);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    const line = /"text":"follow (\d+) (\d+)\.(\d{6})"/g;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const now = Date.now();
      buffer += decoder.decode(value, { stream: true });
      const cut = buffer.lastIndexOf("\n\n");
      if (cut < 0) continue;
      const whole = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      for (const m of whole.matchAll(line)) {
        if (Number(m[1]) !== me.lines + 1) me.outOfOrder++;
        me.lines = Number(m[1]);
        me.delays.push(now - (Number(m[2]) * 1000 + Math.floor(Number(m[3]) / 1000)));
      }
      if (/(^|\n)event: end\n/.test(whole)) {
        me.ended = true;
        break;
      }
    }
    await reader.cancel().catch(() => undefined);
  } catch (error) {
    me.error = String(error);
  }
  return me;
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
