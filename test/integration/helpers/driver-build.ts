import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Debian's client: its built-in BuildKit works without the buildx plugin. */
export const DOCKER = "/usr/bin/docker";
export const repoRoot = path.resolve(__dirname, "../../..");
/** Toolchain images and bundles are prepared once per machine by the test command. */
export const cacheDir = process.env.KOBUILD_CACHE_DIR ?? path.join(repoRoot, "data", "cache");
export const bundlesDir = path.join(cacheDir, "bundles");
export const DOCKERFILE_DIR = "collector/kernel-modules/dockerized";

export interface RunResult {
  code: number;
  output: string;
}

/** Runs the docker client with an argument array; stdout and stderr are kept together, in order. */
export function runDocker(args: string[], opts: { buildkit?: boolean; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(DOCKER, args, {
      cwd: opts.cwd,
      env: { ...process.env, DOCKER_BUILDKIT: opts.buildkit === false ? "0" : "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stderr.on("data", (c: Buffer) => chunks.push(c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, output: Buffer.concat(chunks).toString("utf8") }));
  });
}

export async function docker(args: string[]): Promise<string> {
  const { code, output } = await runDocker(args);
  if (code !== 0) throw new Error(`docker ${args.join(" ")} exited with ${code}:\n${output}`);
  return output;
}

export interface BuildOptions {
  ctx: string;
  tag: string;
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  target?: string;
  /** Classic builder (DOCKER_BUILDKIT=0) instead of BuildKit. */
  classic?: boolean;
  /** Rerun every step, so that the log holds every step's output and the time is the real one. */
  noCache?: boolean;
}

export interface BuildResult {
  tag: string;
  log: string;
  seconds: number;
}

/** `docker build` as a user would type it, always without network (the engine has no bridge). */
export async function dockerBuild(o: BuildOptions): Promise<BuildResult> {
  const args = ["build", "--network", "none", "-f", o.dockerfile ?? `${DOCKERFILE_DIR}/Dockerfile`, "-t", o.tag];
  if (!o.classic) args.push("--progress", "plain");
  if (o.noCache) args.push("--no-cache");
  if (o.target) args.push("--target", o.target);
  for (const [k, v] of Object.entries(o.buildArgs ?? {})) args.push("--build-arg", `${k}=${v}`);
  args.push(".");
  const started = performance.now();
  const { code, output } = await runDocker(args, { buildkit: !o.classic, cwd: o.ctx });
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`docker ${args.join(" ")} failed (${code}):\n${output.slice(-6000)}`);
  return { tag: o.tag, log: output, seconds };
}

export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `kobuild-${label}-`));
}

/** A build context: ctx/collector = a copy of the workspace (with .git), ctx/bundles = the given bundles. */
export function makeContext(workspace: string, bundles: string[], label: string): string {
  const ctx = tempDir(`ctx-${label}`);
  fs.cpSync(workspace, path.join(ctx, "collector"), { recursive: true, verbatimSymlinks: true });
  fs.mkdirSync(path.join(ctx, "bundles"));
  for (const kernel of bundles) {
    const name = `bundle-${kernel}.tgz`;
    fs.copyFileSync(path.join(bundlesDir, name), path.join(ctx, "bundles", name));
  }
  return ctx;
}

/** Copies paths out of an image through a created, never started, container. */
export async function copyFromImage(image: string, paths: string[], label: string): Promise<string> {
  const dest = tempDir(`image-${label}`);
  const container = (await docker(["create", image, "/none"])).trim();
  try {
    for (const p of paths) await docker(["cp", `${container}:${p}`, path.join(dest, path.basename(p))]);
  } finally {
    await docker(["rm", container]);
  }
  return dest;
}

export async function imageLayers(image: string): Promise<number> {
  return Number((await docker(["image", "inspect", "-f", "{{len .RootFS.Layers}}", image])).trim());
}

/** Every file under dir, as paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, encoding: "utf8" }) as string[])
    .filter((p) => fs.statSync(path.join(dir, p)).isFile())
    .sort();
}

export interface Bundle {
  kernel: string;
  uname: string;
  version: number;
  patchlevel: number;
  /** Ships kernel headers (the deliberately failing bundle does not). */
  hasHeaders: boolean;
}

/** Reads a bundle's metadata the way the builders do: BUNDLE_* files at its root. */
export async function readBundle(kernel: string): Promise<Bundle> {
  const file = path.join(bundlesDir, `bundle-${kernel}.tgz`);
  const { stdout: listing } = await execFileAsync("tar", ["-tzf", file], { maxBuffer: 64 << 20 });
  const members = listing.split("\n");
  const value = async (name: string) => {
    const member = members.find((m) => m === name || m === `./${name}`);
    if (!member) throw new Error(`${file} has no ${name}`);
    return (await execFileAsync("tar", ["-xzOf", file, member])).stdout.trim();
  };
  const buildDir = (await value("BUNDLE_BUILD_DIR")).replace(/^\.\/?/, "");
  const header = path.posix.join(buildDir, "include/linux/module.h");
  return {
    kernel,
    uname: await value("BUNDLE_UNAME"),
    version: Number(await value("BUNDLE_VERSION")),
    patchlevel: Number(await value("BUNDLE_MAJOR")),
    hasHeaders: members.some((m) => m.replace(/^\.\//, "") === header),
  };
}

export function listBundleKernels(): string[] {
  return fs
    .readdirSync(bundlesDir)
    .filter((n) => n.startsWith("bundle-") && n.endsWith(".tgz"))
    .map((n) => n.slice("bundle-".length, -".tgz".length))
    .sort();
}

export interface TaskLine {
  event: "start" | "end";
  kernel: string;
  version: string;
  flavour: string;
  result?: string;
  seconds?: number;
}

/** The builders' machine-readable progress lines, in the order the log has them. */
export function progressLines(log: string): { builders: Record<string, string>[]; tasks: TaskLine[] } {
  const builders: Record<string, string>[] = [];
  const tasks: TaskLine[] = [];
  for (const m of log.matchAll(/KOBUILD-(BUILDER|TASK)( (?:start|end))?((?: [a-z]+=\S+)+)\s*$/gm)) {
    const fields = Object.fromEntries(
      (m[3] ?? "")
        .trim()
        .split(" ")
        .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
    ) as Record<string, string>;
    if (m[1] === "BUILDER") {
      builders.push(fields);
      continue;
    }
    tasks.push({
      event: m[2]?.trim() === "start" ? "start" : "end",
      kernel: fields.kernel ?? "",
      version: fields.version ?? "",
      flavour: fields.flavour ?? "",
      result: fields.result,
      seconds: fields.seconds === undefined ? undefined : Number(fields.seconds),
    });
  }
  return { builders, tasks };
}

/** The most tasks running at once, from start/end lines of one builder. */
export function maxConcurrency(tasks: TaskLine[]): number {
  let running = 0;
  let max = 0;
  for (const t of tasks) {
    running += t.event === "start" ? 1 : -1;
    max = Math.max(max, running);
  }
  return max;
}

export async function git(cwd: string, args: string[]): Promise<string> {
  return (await execFileAsync("git", args, { cwd })).stdout;
}
