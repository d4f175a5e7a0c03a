import "server-only";
import { childEnv } from "@/lib/host/child-env";
import { runProgram } from "@/lib/host/program-launcher";

// Every git call of kobuild goes through here: an argument array (never a
// shell) run by lib/host/program-launcher, `-C <repo>`, a timeout, and no
// prompt that could hang a request. User-supplied revisions come after `--end-of-options`
// (git >= 2.24): `--` would make git read them as paths, yet it still keeps a
// name such as `--output=x` from being taken as an option. Paths come after `--`.

export const GIT_TIMEOUT_MS = 30_000;
const MAX_OUTPUT = 64 * 1024 * 1024;

export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    message: string,
  ) {
    super(message);
    this.name = "GitError";
  }
}

export type GitOptions = {
  timeoutMs?: number;
  /** Written to git's standard input. */
  input?: string;
  /** Extra environment, e.g. fixed dates for commits in tests. */
  env?: Record<string, string>;
};

// What git gets besides the base environment: the user's git configuration,
// the ssh agent, proxies and certificates for remotes. Never kobuild's own
// secrets, nor a GIT_DIR or GIT_WORK_TREE inherited from a hook, which would override `-C`.
const GIT_PASSED_ENV = [
  "XDG_CONFIG_HOME",
  "GIT_CONFIG_GLOBAL",
  "GIT_CONFIG_NOSYSTEM",
  "SSH_AUTH_SOCK",
  "GIT_SSL_CAINFO",
  "GIT_SSL_CAPATH",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "all_proxy",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "ALL_PROXY",
];

/**
 * git's environment: never a prompt (no terminal, and an empty GIT_ASKPASS
 * outranks core.askPass and SSH_ASKPASS), no lock files for reads, plain C
 * messages (they are matched), and `extra`.
 */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return childEnv(GIT_PASSED_ENV, { GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "", SSH_ASKPASS: "", GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C", ...extra });
}

/** Runs git in `repo`; resolves with stdout as bytes, rejects with a GitError. */
export async function gitBuffer(repo: string, args: readonly string[], opts: GitOptions = {}): Promise<Buffer> {
  const timeoutMs = opts.timeoutMs ?? GIT_TIMEOUT_MS;
  const { stdout, stderr, failure } = await runProgram("git", ["-C", repo, ...args], { env: gitEnv(opts.env), timeoutMs, maxBuffer: MAX_OUTPUT, input: opts.input });
  if (!failure) return stdout;
  const text = stderr.toString("utf8").trim();
  if (failure.killed) throw new GitError(args, null, text, `git ${args[0]} timed out after ${timeoutMs} ms`);
  if (failure.code === "ENOENT") throw new GitError(args, null, text, "git is not installed");
  const exitCode = typeof failure.code === "number" ? failure.code : null;
  throw new GitError(args, exitCode, text, `git ${args[0]} failed: ${text.split("\n")[0] || `exit code ${exitCode ?? failure.message}`}`);
}

export async function git(repo: string, args: readonly string[], opts?: GitOptions): Promise<string> {
  return (await gitBuffer(repo, args, opts)).toString("utf8");
}

/** Like `git`, but exit code 1 (git's "no" for --verify --quiet, symbolic-ref --quiet ...) gives null. */
export async function gitOrNull(repo: string, args: readonly string[], opts?: GitOptions): Promise<string | null> {
  try {
    return await git(repo, args, opts);
  } catch (error) {
    if (error instanceof GitError && error.exitCode === 1) return null;
    throw error;
  }
}

/** The commit a revision names, or null when it names none. */
export async function resolveCommit(repo: string, rev: string): Promise<string | null> {
  const out = await gitOrNull(repo, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`]);
  return out === null ? null : out.trim();
}

/**
 * Reads blobs named `<rev>:<path>` in one `git cat-file --batch`: one process
 * for any number of files. Missing names (or names of trees) map to null.
 */
export async function readBlobs(repo: string, specs: readonly string[]): Promise<Map<string, Buffer | null>> {
  const result = new Map<string, Buffer | null>();
  if (specs.length === 0) return result;
  for (const spec of specs) {
    if (/[\n\r]/.test(spec)) throw new Error("a blob name cannot hold a line break");
  }
  const out = await gitBuffer(repo, ["cat-file", "--batch"], { input: specs.map((s) => `${s}\n`).join("") });
  let at = 0;
  for (const spec of specs) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) throw new Error("git cat-file --batch: output ended early");
    const header = out.subarray(at, eol).toString("utf8");
    at = eol + 1;
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!m) {
      // "<name> missing" or "<name> ambiguous"
      result.set(spec, null);
      continue;
    }
    const size = Number(m[2]);
    result.set(spec, m[1] === "blob" ? out.subarray(at, at + size) : null);
    at += size + 1; // the content is followed by a line feed
  }
  return result;
}

/** The object type (blob, tree, commit) each `<rev>:<path>` names, in one `git cat-file --batch-check`; missing names map to null. */
export async function objectTypes(repo: string, specs: readonly string[]): Promise<Map<string, string | null>> {
  const result = new Map<string, string | null>();
  if (specs.length === 0) return result;
  for (const spec of specs) {
    if (/[\n\r]/.test(spec)) throw new Error("an object name cannot hold a line break");
  }
  const out = await git(repo, ["cat-file", "--batch-check"], { input: specs.map((s) => `${s}\n`).join("") });
  const lines = out.split("\n");
  specs.forEach((spec, i) => {
    const m = /^[0-9a-f]+ (\w+) \d+$/.exec(lines[i] ?? "");
    result.set(spec, m ? m[1]! : null);
  });
  return result;
}
