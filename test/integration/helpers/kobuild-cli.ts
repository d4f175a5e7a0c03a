import { spawn, type ChildProcessByStdio } from "node:child_process";
import path from "node:path";
import type { Readable } from "node:stream";
import { repoRoot } from "./driver-build";

export type CliRun = { code: number; stdout: string; stderr: string };

/** Runs the real `kobuild` command line (bin/kobuild.mjs) as CI would, with only the environment given. */
export function runKobuild(args: string[], env: Record<string, string>, timeoutMs = 300_000): Promise<CliRun> {
  return startKobuild(args, env, timeoutMs).done;
}

/** The same, with the process at hand (to signal it) and what it printed so far. */
export function startKobuild(args: string[], env: Record<string, string>, timeoutMs = 300_000) {
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(process.execPath, [path.join(repoRoot, "bin", "kobuild.mjs"), ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root", ...env } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const run = { stdout: "", stderr: "" };
  child.stdout.setEncoding("utf8").on("data", (c: string) => (run.stdout += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (run.stderr += c));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code: number | null) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: run.stdout, stderr: run.stderr });
    });
  });
  return { child, run, done };
}
