import { randomBytes } from "node:crypto";
// Shared pieces of the benchmarks: a throw-away kobuild server on its own data
// directory, workspaces made for a benchmark, and timing.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const repoRoot = path.resolve(__dirname, "..");
export const cacheDir = process.env.KOBUILD_CACHE_DIR ?? path.join(repoRoot, "data", "cache");
/** Where the benchmarks' servers listen; move it when another checkout benchmarks at the same time. */
export const benchPort = Number(process.env.KOBUILD_BENCH_PORT ?? 3190);

/** The benchmark servers' admin API token (KOBUILD_ADMIN_TOKEN), and the header that carries it. */
export const benchToken = `kbt_bench_${randomBytes(24).toString("base64url")}`;
export const auth = { authorization: `Bearer ${benchToken}` } as const;

export function git(cwd: string, ...args: string[]) {
  return execFileSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "bench", GIT_AUTHOR_EMAIL: "bench@kobuild.invalid", GIT_COMMITTER_NAME: "bench", GIT_COMMITTER_EMAIL: "bench@kobuild.invalid" } });
}

/** A git checkout holding only a Dockerfile: the smallest workspace a build can run. */
export function makeDockerfileWorkspace(dir: string, dockerfile: string) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "Dockerfile"), dockerfile);
  git(dir, "init", "-q", "-b", "master");
  git(dir, "add", ".");
  git(dir, "commit", "-qm", "benchmark");
  return dir;
}

export type Server = { url: string; dataDir: string; stop: () => Promise<void>; process: ChildProcess };

/** Starts the built dashboard (`next build` must have run) on a free port with `dataDir`. */
export async function startServer(dataDir: string, port: number, extraEnv: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), "scripts/start.ts"], {
    cwd: repoRoot,
    env: { ...process.env, KOBUILD_ADMIN_TOKEN: benchToken, KOBUILD_DATA_DIR: dataDir, KOBUILD_PORT: String(port), KOBUILD_HOST: "127.0.0.1", ...extraEnv },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  return {
    url,
    dataDir,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export function tempDir(label: string) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `kobuild-bench-${label}-`));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function postJson(url: string, body: unknown) {
  const send = () => fetch(url, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(body) });
  // A kept-alive connection the server closed while idle fails once; the request never reached it.
  const response = await send().catch((error: { cause?: { code?: string } }) => {
    if (error.cause?.code === "UND_ERR_SOCKET") return send();
    throw error;
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${url}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * Waits for the build's `end` event on its live events: no polling, which on
 * a 2-core machine would take time from the very builds being measured.
 * Answers the build as GET /api/builds/:id gives it.
 */
export async function waitForEnd(server: Server, id: number) {
  const response = await fetch(`${server.url}/api/builds/${id}/events`, { headers: auth });
  if (!response.ok || !response.body) throw new Error(`events of build ${id}: ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    // Only the tail matters: log lines can be many.
    text = (text + decoder.decode(value, { stream: true })).slice(-4096);
    if (/(^|\n)event: end\n/.test(text)) break;
  }
  await reader.cancel().catch(() => undefined);
  return pollUntilEnded(server, id);
}

async function pollUntilEnded(server: Server, id: number) {
  for (;;) {
    const b = (await (await fetch(`${server.url}/api/builds/${id}`, { headers: auth })).json()) as { status: string; error: string | null; startedAt: string; finishedAt: string | null };
    if (!["queued", "running"].includes(b.status)) {
      if (b.status !== "succeeded") throw new Error(`build ${id} ${b.status}: ${b.error}`);
      return b;
    }
    await sleep(100);
  }
}

/** A figure next to its goal, as the table prints it: `12.3 (goal < 200: met)`. */
export function goal<T extends number>(value: T, wanted: string, met: (value: T) => boolean): string {
  return `${value} (goal ${wanted}: ${met(value) ? "met" : "not met"})`;
}

/** The sum of `measure` over a process and every process under it; `fields` are those of /proc/<pid>/stat after the command. */
function sumOverProcessTree(rootPid: number, measure: (pid: number, fields: string[]) => number): number {
  const children = new Map<number, number[]>();
  const values = new Map<number, number>();
  for (const name of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      children.set(Number(fields[1]), [...(children.get(Number(fields[1])) ?? []), Number(name)]);
      values.set(Number(name), measure(Number(name), fields));
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0;
  const todo = [rootPid];
  while (todo.length) {
    const pid = todo.pop()!;
    total += values.get(pid) ?? 0;
    todo.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** CPU seconds (user + system) a process and every process under it have used so far; clock ticks are 1/100 s on Linux. */
export function treeCpuSeconds(rootPid: number): number {
  return sumOverProcessTree(rootPid, (_pid, fields) => Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory of a process and every process under it (the dashboard: its start script, Next and its workers), in bytes. */
export function treeRss(rootPid: number): number {
  return sumOverProcessTree(rootPid, (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024);
}

/** The Next server under the start script (it names itself `next-server`): the dashboard's own process, without the script or the program launcher. */
export function dashboardServerPid(rootPid: number): number {
  const todo = [rootPid];
  const parents = new Map<number, number[]>();
  for (const name of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)]);
    } catch {
      // the process ended meanwhile
    }
  }
  while (todo.length) {
    const pid = todo.shift()!;
    const command = fs.existsSync(`/proc/${pid}`) ? fs.readFileSync(`/proc/${pid}/cmdline`, "utf8") : "";
    if (command.startsWith("next-server")) return pid;
    todo.push(...(parents.get(pid) ?? []));
  }
  throw new Error(`no next-server process under ${rootPid}`);
}

/** CPU seconds the Docker engine's own processes (dockerd, containerd) have used so far; builds' steps are not counted. */
export function engineCpuSeconds(): number {
  let total = 0;
  for (const name of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      const command = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      if (command !== "dockerd" && command !== "containerd") continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return total / 100;
}
