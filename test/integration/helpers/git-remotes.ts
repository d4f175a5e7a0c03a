import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { accepts } from "./loopback-port";

const GIT = ["-c", "user.name=kobuild test", "-c", "user.email=test@kobuild.invalid", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=master"];

export function gitSync(cwd: string, args: string[]): string {
  return execFileSync("git", [...GIT, ...args], { cwd, encoding: "utf8", env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } });
}

/**
 * A bare repository made from a checkout (the sample's), with all its branches
 * and tags, whose HEAD names `head` (a branch made at the checkout's master
 * when it has none of that name): a remote whose default branch is not master.
 */
export function makeBareRemote(checkout: string, bare: string, head = "main") {
  fs.mkdirSync(path.dirname(bare), { recursive: true });
  gitSync(path.dirname(bare), ["clone", "-q", "--bare", "--", checkout, bare]);
  const heads = gitSync(bare, ["for-each-ref", "--format=%(refname:strip=2)", "refs/heads"]).split("\n");
  if (!heads.includes(head)) gitSync(bare, ["branch", head, "master"]);
  gitSync(bare, ["symbolic-ref", "HEAD", `refs/heads/${head}`]);
  return bare;
}

/** A checkout of a bare remote to commit in and push from, as a developer would. */
export function cloneForPushing(bare: string, dir: string) {
  gitSync(path.dirname(dir), ["clone", "-q", "--", bare, dir]);
  return {
    dir,
    /** Commits a change to `file` on `branch` and pushes it; returns the commit. */
    commit(branch: string, file: string, text: string) {
      gitSync(dir, ["checkout", "-q", "-B", branch, `origin/${branch}`]);
      fs.appendFileSync(path.join(dir, file), text);
      gitSync(dir, ["commit", "-q", "-am", `Change ${file}`]);
      gitSync(dir, ["push", "-q", "origin", `${branch}:${branch}`]);
      return gitSync(dir, ["rev-parse", "HEAD"]).trim();
    },
    deleteBranch(branch: string) {
      gitSync(dir, ["push", "-q", "origin", "--delete", branch]);
    },
  };
}

export type Server = { port: number; stop: () => Promise<void> };

async function waitUntilListening(port: number, child: ChildProcess, log: () => string) {
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${log()}`);
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port}: ${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `git daemon` serving every repository under `baseDir` read-only on 127.0.0.1:`port` (git://127.0.0.1:port/<name>). */
export async function startGitDaemon(baseDir: string, port: number): Promise<Server> {
  let stderr = "";
  const child = spawn("git", ["daemon", "--export-all", `--base-path=${baseDir}`, "--listen=127.0.0.1", `--port=${port}`, "--reuseaddr", "--informative-errors", baseDir], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr!.setEncoding("utf8").on("data", (t: string) => (stderr += t));
  await waitUntilListening(port, child, () => stderr);
  return {
    port,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** A TCP server on 127.0.0.1:`port` that accepts every connection and never says a word: a remote that hangs. */
export async function startSilentServer(port: number): Promise<Server> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
  return {
    port,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
