import "server-only";
import { spawn } from "node:child_process";
import { env } from "@/lib/env";
import { ApiError } from "@/lib/http/api-error";
import { gitEnv } from "./git";
import { describeRemoteFailure } from "./remote-failure";

/** When a remote's git work must be over: one bound for a whole fetch (its ls-remote and its fetch together). */
export type RemoteDeadline = { at: number; seconds: number };

export function remoteDeadline(seconds = env().gitTimeoutSeconds): RemoteDeadline {
  return { at: Date.now() + seconds * 1000, seconds };
}

const MAX_STDOUT = 16 * 1024 * 1024;

/** Single quotes for the shell that runs GIT_SSH_COMMAND. */
const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * ssh as ssh:// engines use it (lib/docker/ssh-dial.ts): the operator's keys
 * and known_hosts (or KOBUILD_SSH_CONFIG), batch mode, so that an unknown
 * host key or a refused key is an error and never a prompt.
 */
function sshCommand(seconds: number) {
  const config = env().sshConfig;
  return [
    "ssh",
    ...(config ? ["-F", shellQuote(config)] : []),
    ...["-o", "BatchMode=yes", "-o", `ConnectTimeout=${Math.min(30, seconds)}`, "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4", "-o", "LogLevel=ERROR"],
  ].join(" ");
}

/**
 * Runs a git command that talks to a remote (ls-remote, fetch) in `repo`: as
 * its own process group, killed whole (git, its ssh or its https helper) at
 * the deadline or when `signal` aborts; git's failure is put in words with
 * the remote's URL. Resolves with stdout.
 */
export function runRemoteGit(repo: string, args: readonly string[], { url, deadline, signal }: { url: string; deadline: RemoteDeadline; signal?: AbortSignal }): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const remaining = deadline.at - Date.now();
    if (remaining <= 0) return reject(timeoutError(url, deadline));
    const child = spawn("git", ["-C", repo, "-c", "core.askPass=", "-c", "credential.interactive=never", ...args], {
      env: gitEnv({ GIT_SSH_COMMAND: sshCommand(deadline.seconds), GIT_SSH_VARIANT: "ssh", GIT_ALLOW_PROTOCOL: "https:ssh:git:file" }),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = "";
    let ended: Error | null = null;
    const killGroup = (why: Error) => {
      ended ??= why;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => killGroup(timeoutError(url, deadline)), remaining);
    const onAbort = () => killGroup(signal!.reason instanceof Error ? signal!.reason : new Error("cancelled"));
    signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes <= MAX_STDOUT) out.push(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      if (stderr.length < 16_384) stderr += text;
    });
    child.on("error", (error) => {
      ended ??= (error as NodeJS.ErrnoException).code === "ENOENT" ? new Error("git is not installed") : error;
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (ended) return reject(ended);
      if (code === 0) return resolve(Buffer.concat(out).toString("utf8"));
      const failure = describeRemoteFailure(stderr);
      reject(new ApiError(failure.answered ? "unprocessable" : "bad_gateway", `cannot fetch ${url}: ${failure.reason}`));
    });
  });
}

function timeoutError(url: string, deadline: RemoteDeadline) {
  return new ApiError("bad_gateway", `cannot fetch ${url}: the remote did not answer within ${deadline.seconds} s (KOBUILD_GIT_TIMEOUT_SECONDS)`);
}
