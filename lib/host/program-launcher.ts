import "server-only";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { childEnv } from "./child-env";

// Starting a program forks the dashboard: the kernel copies its page tables,
// and the event loop waits until the child has called exec. At the
// dashboard's 200-350 MB that costs 25-40 ms per git call (4 ms from a bare
// node), and no request is served meanwhile. A small launcher process,
// started once, does the forking instead; the dashboard only sends it a
// message per program and gets the output back.

export type ProgramRun = {
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  maxBuffer: number;
  /** Written to the program's standard input, which is then closed. */
  input?: string;
};

/** How a program ended badly, in execFile's terms: `code` is the exit code, or a system error's name (ENOENT); `killed` after the timeout. */
export type ProgramFailure = { code: number | string | null; killed: boolean; message: string };

export type ProgramResult = { stdout: Buffer; stderr: Buffer; failure: ProgramFailure | null };

// Run by `node -e`: a file of its own would have to survive the server's bundling.
const LAUNCHER_SOURCE = `
const { execFile } = require("node:child_process");
process.on("disconnect", () => process.exit(0));
process.on("message", (m) => {
  const child = execFile(m.file, m.args, { encoding: "buffer", env: m.env, timeout: m.timeoutMs, maxBuffer: m.maxBuffer, windowsHide: true }, (error, stdout, stderr) => {
    const failure = error ? { code: error.code ?? null, killed: Boolean(error.killed), message: error.message } : null;
    process.send({ id: m.id, stdout, stderr, failure });
  });
  child.stdin?.on("error", () => {});
  child.stdin?.end(m.input ?? "");
});
`;

type Pending = { resolve: (result: ProgramResult) => void; reject: (error: Error) => void };
type Launcher = { child: ChildProcess; pending: Map<number, Pending> };
type Reply = { id: number; stdout: Uint8Array; stderr: Uint8Array; failure: ProgramFailure | null };

const holder = globalThis as unknown as { kobuildLauncher?: Launcher | null; kobuildLauncherIds?: number };

/** Runs `file` with `args` (no shell) and resolves with its output and how it ended; never rejects for the program's own failure. */
export function runProgram(file: string, args: readonly string[], run: ProgramRun): Promise<ProgramResult> {
  const launcher = holder.kobuildLauncher ?? startLauncher();
  if (!launcher) return runHere(file, args, run);
  const id = (holder.kobuildLauncherIds = (holder.kobuildLauncherIds ?? 0) + 1);
  return new Promise((resolve, reject) => {
    launcher.pending.set(id, { resolve, reject });
    // While a program runs, the channel keeps a script's process alive; idle, it must not.
    launcher.child.channel?.ref();
    launcher.child.send({ id, file, args, env: run.env, timeoutMs: run.timeoutMs, maxBuffer: run.maxBuffer, input: run.input }, (error) => {
      if (error) settle(launcher, id)?.reject(error);
    });
  });
}

function startLauncher(): Launcher | null {
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, ["-e", LAUNCHER_SOURCE], { stdio: ["ignore", "ignore", "inherit", "ipc"], serialization: "advanced", env: childEnv() });
  } catch {
    return null;
  }
  const launcher: Launcher = { child, pending: new Map() };
  holder.kobuildLauncher = launcher;
  child.on("message", (reply: Reply) => {
    settle(launcher, reply.id)?.resolve({ stdout: asBuffer(reply.stdout), stderr: asBuffer(reply.stderr), failure: reply.failure });
  });
  // A launcher that died (killed, out of memory) fails what it was running; the next call starts another.
  const gone = (error?: Error) => {
    if (holder.kobuildLauncher === launcher) holder.kobuildLauncher = null;
    for (const id of [...launcher.pending.keys()]) settle(launcher, id)?.reject(new Error(`the program launcher stopped${error ? `: ${error.message}` : ""}`));
  };
  child.on("exit", () => gone());
  child.on("error", gone);
  child.unref();
  child.channel?.unref();
  return launcher;
}

function settle(launcher: Launcher, id: number): Pending | undefined {
  const pending = launcher.pending.get(id);
  launcher.pending.delete(id);
  if (launcher.pending.size === 0) launcher.child.channel?.unref();
  return pending;
}

/** Without a launcher (it could not start), the program is started from here. */
function runHere(file: string, args: readonly string[], run: ProgramRun): Promise<ProgramResult> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { encoding: "buffer", env: run.env, timeout: run.timeoutMs, maxBuffer: run.maxBuffer, windowsHide: true }, (error, stdout, stderr) => {
      const e = error as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
      resolve({ stdout, stderr, failure: e ? { code: e.code ?? null, killed: Boolean(e.killed), message: e.message } : null });
    });
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(run.input ?? "");
  });
}

// The advanced serialization hands a Buffer over as a plain Uint8Array.
const asBuffer = (bytes: Uint8Array) => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
