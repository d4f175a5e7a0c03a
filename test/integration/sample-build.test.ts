// The sample workspace's dockerized driver build, run for real: /usr/bin/docker
// with BuildKit (and once with the classic builder) against the local toolchain
// images and the header bundles in data/cache/bundles. Expectations come from
// the bundles present and the workspace's files, never from a fixed list.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Bundle,
  type BuildResult,
  copyFromImage,
  docker,
  dockerBuild,
  git,
  imageLayers,
  listBundleKernels,
  listFiles,
  makeContext,
  maxConcurrency,
  progressLines,
  readBundle,
  repoRoot,
  tempDir,
} from "./helpers/driver-build";
import { EM_BPF, ET_REL, elfHeader, gunzipFile, modinfo, sectionNames } from "./helpers/elf";

const BUILD_TIMEOUT = 600_000;
/** Images of this run: CACHE_REPO points here, so the names follow <repo>/collector-drivers:<tag>. */
const REPO = "kobuild-sample-test";
const RUN = `${process.pid}`;
const runTag = (name: string) => `${name}-${RUN}`;
const driversImage = (name: string) => `${REPO}/collector-drivers:${runTag(name)}`;

const made: { images: string[]; dirs: string[] } = { images: [], dirs: [] };
function track(dir: string): string {
  made.dirs.push(dir);
  return dir;
}

let workspace = "";
let moduleVersion = "";
let bundles: Bundle[] = [];
let withHeaders: Bundle[] = [];
let withoutHeaders: Bundle[] = [];
let allCtx = "";

const olderThan = (b: Bundle, version: number, patchlevel: number) =>
  b.version < version || (b.version === version && b.patchlevel < patchlevel);
const bpfUnavailable = (b: Bundle) => olderThan(b, 4, 14);
const builderOf = (kernel: string) => (/^[4-9]/.test(kernel) ? "rhel-8" : /^[0-3]/.test(kernel) ? "rhel-7" : "none");

async function build(o: Parameters<typeof dockerBuild>[0]): Promise<BuildResult> {
  made.images.push(o.tag);
  return dockerBuild(o);
}

async function outputs(image: string, label: string) {
  return track(await copyFromImage(image, ["/kernel-modules", "/FAILURES"], label));
}

async function readTasks(image: string, label: string): Promise<string[]> {
  const dir = track(await copyFromImage(image, ["/build-tasks"], label));
  return fs
    .readFileSync(path.join(dir, "build-tasks"), "utf8")
    .split("\n")
    .filter((l) => l !== "");
}

function readGz(dir: string, ...parts: string[]): Buffer {
  return gunzipFile(fs.readFileSync(path.join(dir, ...parts)));
}

/** The module must carry the bundle's uname as vermagic, or the kernel refuses it. */
function expectModule(out: string, version: string, b: Bundle) {
  const info = modinfo(readGz(out, "kernel-modules", version, `collector-${b.kernel}.ko.gz`));
  expect(info.get("vermagic")?.[0]?.split(" ")[0], `vermagic of ${version}/${b.kernel}`).toBe(b.uname);
  expect(info.get("name")).toEqual(["collector"]);
  expect(info.get("version")).toEqual([version]);
  return info;
}

function expectBpfObject(out: string, version: string, b: Bundle) {
  const obj = readGz(out, "kernel-modules", version, `collector-ebpf-${b.kernel}.o.gz`);
  expect(elfHeader(obj), `ELF header of ${version}/collector-ebpf-${b.kernel}.o`).toEqual({ type: ET_REL, machine: EM_BPF });
  expect(sectionNames(obj)).toContain("tracepoint/syscalls/sys_enter_execve");
}

const exists = (...parts: string[]) => fs.existsSync(path.join(...parts));

beforeAll(async () => {
  for (const image of ["kobuild/toolchain:bookworm-1", "kobuild/drivers-base:1", "kobuild/collector-drivers:empty"]) {
    await docker(["image", "inspect", "-f", "{{.Id}}", image]);
  }
  const dataDir = track(tempDir("sample-build-data"));
  execFileSync("bash", [path.join(repoRoot, "scripts", "sample-workspace.sh")], {
    env: { ...process.env, KOBUILD_DATA_DIR: dataDir },
    stdio: "pipe",
  });
  workspace = path.join(dataDir, "workspaces", "sample");
  moduleVersion = fs.readFileSync(path.join(workspace, "kernel-modules", "MODULE_VERSION"), "utf8").trim();
  bundles = await Promise.all(listBundleKernels().map(readBundle));
  withHeaders = bundles.filter((b) => b.hasHeaders);
  withoutHeaders = bundles.filter((b) => !b.hasHeaders);
  expect(withHeaders.length, "bundles with kernel headers in data/cache/bundles").toBeGreaterThan(0);
  allCtx = track(makeContext(workspace, bundles.map((b) => b.kernel), "all"));
}, 120_000);

afterAll(async () => {
  for (const image of made.images) await docker(["rmi", image]).catch(() => undefined);
  for (const dir of made.dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe("a build of master with every bundle (BuildKit)", () => {
  let master: BuildResult;
  let out = "";

  beforeAll(async () => {
    master = await build({ ctx: allCtx, tag: driversImage("master"), noCache: true });
    out = await outputs(master.tag, "master");
    console.info(`master build, BUILD_JOBS default: ${master.seconds.toFixed(1)} s`);
  }, BUILD_TIMEOUT);

  it("builds for every kernel with headers a module with that kernel's vermagic and an eBPF object for machine BPF", () => {
    for (const b of withHeaders) {
      const info = expectModule(out, moduleVersion, b);
      expect(info.get("parm")?.some((p) => p.startsWith("probe_symbol:"))).toBe(true);
      expectBpfObject(out, moduleVersion, b);
    }
  });

  it("keeps the failed module build's log, marks old kernels' eBPF probe unavailable, and keeps no other log", () => {
    expect(withoutHeaders.length, "the deliberately failing bundle").toBeGreaterThan(0);
    for (const b of withoutHeaders) {
      const log = fs.readFileSync(path.join(out, "FAILURES", b.kernel, moduleVersion, "mod.log"), "utf8");
      expect(log).toMatch(/fatal error: .*No such file or directory/);
      expect(exists(out, "kernel-modules", moduleVersion, `collector-${b.kernel}.ko.gz`)).toBe(false);
    }
    for (const b of bundles.filter(bpfUnavailable)) {
      const marker = path.join(out, "kernel-modules", moduleVersion, `.collector-ebpf-${b.kernel}.unavail`);
      expect(fs.readFileSync(marker, "utf8")).toContain("older than 4.14");
      expect(exists(out, "kernel-modules", moduleVersion, `collector-ebpf-${b.kernel}.o.gz`)).toBe(false);
    }
    expect(listFiles(path.join(out, "FAILURES"))).toEqual(
      withoutHeaders.map((b) => path.join(b.kernel, moduleVersion, "mod.log")).sort(),
    );
  });

  it("reports every task once with its result in KOBUILD progress lines", () => {
    const { builders, tasks } = progressLines(master.log);
    const expected = new Map<string, string>();
    for (const b of bundles) {
      expected.set(`${b.kernel} mod`, b.hasHeaders ? "built" : "failed");
      expected.set(`${b.kernel} bpf`, bpfUnavailable(b) ? "unavailable" : b.hasHeaders ? "built" : "failed");
    }
    const ends = tasks.filter((t) => t.event === "end");
    expect(new Map(ends.map((t) => [`${t.kernel} ${t.flavour}`, t.result]))).toEqual(expected);
    expect(ends).toHaveLength(expected.size);
    expect(tasks.filter((t) => t.event === "start")).toHaveLength(expected.size);
    for (const t of ends) {
      expect(t.version).toBe(moduleVersion);
      expect(t.seconds).toBeGreaterThanOrEqual(0);
    }
    const perBuilder = (name: string) => bundles.filter((b) => builderOf(b.kernel) === name).length * 2;
    expect(builders.sort((a, b) => (a.builder ?? "").localeCompare(b.builder ?? ""))).toEqual([
      { builder: "rhel-7", tasks: String(perBuilder("rhel-7")), jobs: String(os.availableParallelism()) },
      { builder: "rhel-8", tasks: String(perBuilder("rhel-8")), jobs: String(os.availableParallelism()) },
    ]);
  });

  it("rebuilt on itself as cache, only retries failed tasks, and still holds every driver", async () => {
    const cacheArgs = { CACHE_REPO: REPO, CACHE_TAG: runTag("master") };
    const failedTasks = listFiles(path.join(out, "FAILURES")).map((p) => {
      const [kernel, version, log] = p.split(path.sep);
      return `${kernel} ${version} ${log?.replace(/\.log$/, "")}`;
    });
    const taskMaster = await build({ ctx: allCtx, tag: driversImage("tasks-cached"), target: "task-master", buildArgs: cacheArgs });
    expect((await readTasks(taskMaster.tag, "tasks-cached")).sort()).toEqual(failedTasks.sort());

    const cached = await build({ ctx: allCtx, tag: driversImage("cached"), noCache: true, buildArgs: cacheArgs });
    console.info(`cached rebuild: ${cached.seconds.toFixed(1)} s (first build ${master.seconds.toFixed(1)} s)`);
    const { builders, tasks } = progressLines(cached.log);
    expect(builders.reduce((n, b) => n + Number(b.tasks), 0)).toBe(failedTasks.length);
    // The builders started exactly the failed tasks again; everything else came from the cache.
    expect(tasks.filter((t) => t.event === "start").map((t) => `${t.kernel} ${t.version} ${t.flavour}`).sort()).toEqual(failedTasks.sort());
    const cachedOut = await outputs(cached.tag, "cached");
    expect(listFiles(path.join(cachedOut, "kernel-modules"))).toEqual(listFiles(path.join(out, "kernel-modules")));
    expect(listFiles(path.join(cachedOut, "FAILURES"))).toEqual(listFiles(path.join(out, "FAILURES")));
  }, BUILD_TIMEOUT);

  it("runs one task at a time with BUILD_JOBS=1, and two at once with BUILD_JOBS=2", async () => {
    // Told by the order of the builder's start and end lines; how much time that saves is `npm run bench -- engine`'s.
    for (const jobs of [1, 2]) {
      const r = await build({ ctx: allCtx, tag: driversImage(`jobs${jobs}`), noCache: true, buildArgs: { BUILD_JOBS: String(jobs) } });
      const { builders, tasks } = progressLines(r.log);
      expect(builders.find((b) => b.builder === "rhel-8")?.jobs).toBe(String(jobs));
      const rhel8 = tasks.filter((t) => builderOf(t.kernel) === "rhel-8");
      expect(rhel8.filter((t) => t.event === "end")).toHaveLength(bundles.filter((b) => builderOf(b.kernel) === "rhel-8").length * 2);
      expect(maxConcurrency(rhel8), `tasks at once with BUILD_JOBS=${jobs}`).toBe(jobs);
    }
  }, BUILD_TIMEOUT);

  it("drops exactly the tasks a BLOCKLIST rule matches and names the rule in the log", async () => {
    const baseline = await readTasks((await build({ ctx: allCtx, tag: driversImage("tasks"), target: "task-master" })).tag, "tasks");
    const first = withHeaders[0] as Bundle;
    const last = withHeaders[withHeaders.length - 1] as Bundle;
    const series = last.kernel.split(".").slice(0, 2).join(".");
    const versionGlob = `${moduleVersion.split(".").slice(0, 2).join(".")}.*`;
    const rules = [`${first.kernel} * bpf`, `~${series.replace(/\./g, "\\.")}\\..* ${versionGlob} mod`];
    const ctx = track(makeContext(workspace, bundles.map((b) => b.kernel), "blocklist"));
    const blocklist = path.join(ctx, "collector", "kernel-modules", "BLOCKLIST");
    const before = fs.readFileSync(blocklist, "utf8").replace(/\n?$/, "\n");
    const firstRuleLine = before.split("\n").length;
    fs.writeFileSync(blocklist, `${before}${rules[0]}   # a comment after a rule\n${rules[1]}\n`);

    const r = await build({ ctx, tag: driversImage("tasks-blocklist"), target: "task-master", noCache: true });
    const removed = baseline.filter((t) => {
      const [kernel, , flavour] = t.split(" ");
      return (kernel === first.kernel && flavour === "bpf") || (kernel?.startsWith(`${series}.`) === true && flavour === "mod");
    });
    expect(removed.length).toBeGreaterThan(1);
    expect((await readTasks(r.tag, "tasks-blocklist")).sort()).toEqual(baseline.filter((t) => !removed.includes(t)).sort());
    for (const t of removed) {
      // The rules are for different flavours: each task matches exactly one.
      const [line, rule] = t.endsWith(" bpf") ? [firstRuleLine, rules[0]] : [firstRuleLine + 1, rules[1]];
      expect(r.log).toContain(`blocklisted: ${t} (BLOCKLIST line ${line}: ${rule})`);
    }
    expect(r.log).toContain(`blocklisted: ${removed.length}, to build: ${baseline.length - removed.length}`);
  }, BUILD_TIMEOUT);

  it("lists every kernel of KERNEL_VERSIONS with USE_KERNELS_FILE=true and no bundles", async () => {
    const ctx = track(makeContext(workspace, [], "kernels-file"));
    const r = await build({ ctx, tag: driversImage("tasks-kernels-file"), target: "task-master", buildArgs: { USE_KERNELS_FILE: "true" } });
    const kernels = fs
      .readFileSync(path.join(workspace, "kernel-modules", "KERNEL_VERSIONS"), "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
    const tasks = await readTasks(r.tag, "tasks-kernels-file");
    expect([...new Set(tasks.map((t) => t.split(" ")[0]))].sort()).toEqual([...kernels].sort());
    expect(tasks).toHaveLength(kernels.length * 2);
  }, BUILD_TIMEOUT);

  it("says Red Hat registration is skipped without printing the credentials", async () => {
    const secret = `pw-${RUN}-not-for-logs`;
    const r = await build({
      ctx: allCtx,
      tag: driversImage("rhel-8-base"),
      target: "rhel-8-base",
      noCache: true,
      buildArgs: { REDHAT_USERNAME: "someone", REDHAT_PASSWORD: secret },
    });
    expect(r.log).toContain("registration skipped");
    expect(r.log).not.toContain(secret);
  }, BUILD_TIMEOUT);
});

describe("LEGACY_PROBES=true", () => {
  it("builds drivers of every released module version, patched where a patch exists, for every kernel with headers", async () => {
    const released = fs
      .readFileSync(path.join(workspace, "RELEASED_VERSIONS"), "utf8")
      .split("\n")
      .map((l) => l.replace(/#.*/, "").trim().split(/\s+/))
      .filter((f) => f.length === 2)
      .map((f) => f[0] as string);
    const versions = new Map<string, boolean>([[moduleVersion, true]]);
    for (const tag of new Set(released)) {
      const version = (await git(workspace, ["show", `${tag}:kernel-modules/MODULE_VERSION`])).trim();
      const hasBpf = (await git(workspace, ["ls-tree", "--name-only", tag, "kernel-modules/bpf"])).trim() !== "";
      if (!versions.has(version)) versions.set(version, hasBpf);
    }
    expect(versions.size).toBeGreaterThan(2);

    const r = await build({ ctx: allCtx, tag: driversImage("legacy"), buildArgs: { LEGACY_PROBES: "true" } });
    console.info(`legacy build: ${r.seconds.toFixed(1)} s`);
    const out = await outputs(r.tag, "legacy");
    expect(fs.readdirSync(path.join(out, "kernel-modules")).sort()).toEqual([...versions.keys()].sort());
    for (const [version, hasBpf] of versions) {
      for (const b of withHeaders) {
        expectModule(out, version, b);
        if (hasBpf) {
          expectBpfObject(out, version, b);
        } else {
          expect(fs.readFileSync(path.join(out, "kernel-modules", version, `.collector-ebpf-${b.kernel}.unavail`), "utf8")).toContain(
            "no eBPF probe",
          );
        }
      }
    }
    // Only the bundle without headers fails: patched versions build on every kernel.
    for (const failure of listFiles(path.join(out, "FAILURES"))) {
      expect(withoutHeaders.map((b) => b.kernel)).toContain(failure.split(path.sep)[0]);
    }
  }, BUILD_TIMEOUT);
});

describe("CHECKOUT_BEFORE_PATCHING", () => {
  it("builds an uncommitted change with false, and the committed sources with true", async () => {
    const b = withHeaders[0] as Bundle;
    const ctx = track(makeContext(workspace, [b.kernel], "checkout"));
    const main = path.join(ctx, "collector", "kernel-modules", "probe", "main.c");
    fs.appendFileSync(main, `MODULE_INFO(kobuild_local_change, "${RUN}");\n`);
    expect(await git(path.join(ctx, "collector"), ["status", "--porcelain"])).toContain("kernel-modules/probe/main.c");

    const local = await build({ ctx, tag: driversImage("checkout-false"), buildArgs: { CHECKOUT_BEFORE_PATCHING: "false" } });
    const localInfo = expectModule(await outputs(local.tag, "checkout-false"), moduleVersion, b);
    expect(localInfo.get("kobuild_local_change")).toEqual([RUN]);

    const committed = await build({ ctx, tag: driversImage("checkout-true"), buildArgs: { CHECKOUT_BEFORE_PATCHING: "true" } });
    const committedInfo = expectModule(await outputs(committed.tag, "checkout-true"), moduleVersion, b);
    expect(committedInfo.get("kobuild_local_change")).toBeUndefined();
  }, BUILD_TIMEOUT);
});

describe("the classic builder (DOCKER_BUILDKIT=0)", () => {
  it("builds the same drivers, failures and markers", async () => {
    const picked = [withHeaders[0] as Bundle, ...withoutHeaders];
    const ctx = track(makeContext(workspace, picked.map((b) => b.kernel), "classic"));
    const r = await build({ ctx, tag: driversImage("classic"), classic: true });
    console.info(`classic build (${picked.length} bundles): ${r.seconds.toFixed(1)} s`);
    const out = await outputs(r.tag, "classic");
    for (const b of picked) {
      if (b.hasHeaders) {
        expectModule(out, moduleVersion, b);
        expectBpfObject(out, moduleVersion, b);
      } else {
        expect(exists(out, "FAILURES", b.kernel, moduleVersion, "mod.log")).toBe(true);
      }
      if (bpfUnavailable(b)) expect(exists(out, "kernel-modules", moduleVersion, `.collector-ebpf-${b.kernel}.unavail`)).toBe(true);
    }
  }, BUILD_TIMEOUT);
});

describe("the bpf-ringbuf branch, and images made from driver images", () => {
  let ringbuf: BuildResult;
  let ringbufOut = "";
  let ringbufVersion = "";
  const cgroupStorage = (b: Bundle) => !olderThan(b, 6, 2);

  beforeAll(async () => {
    ringbufVersion = (await git(workspace, ["show", "bpf-ringbuf:kernel-modules/MODULE_VERSION"])).trim();
    const ctx = track(makeContext(workspace, withHeaders.map((b) => b.kernel), "ringbuf"));
    ringbuf = await build({ ctx, tag: driversImage("ringbuf"), buildArgs: { BRANCH: "bpf-ringbuf" } });
    ringbufOut = await outputs(ringbuf.tag, "ringbuf");
    // Merging needs the master image of this run; build it if no test above did.
    await build({ ctx: allCtx, tag: driversImage("master") });
  }, BUILD_TIMEOUT);

  it("fails the eBPF probe where the kernel has no cgroup local storage (before 6.2) and builds it elsewhere", () => {
    const old = withHeaders.filter((b) => !cgroupStorage(b));
    const recent = withHeaders.filter(cgroupStorage);
    expect(old.length, "bundles older than 6.2").toBeGreaterThan(0);
    expect(recent.length, "bundles of 6.2 or newer").toBeGreaterThan(0);
    for (const b of old) {
      const log = fs.readFileSync(path.join(ringbufOut, "FAILURES", b.kernel, ringbufVersion, "bpf.log"), "utf8");
      expect(log).toContain("use of undeclared identifier 'BPF_MAP_TYPE_CGRP_STORAGE'");
      expect(exists(ringbufOut, "kernel-modules", ringbufVersion, `collector-ebpf-${b.kernel}.o.gz`)).toBe(false);
    }
    for (const b of recent) {
      const obj = readGz(ringbufOut, "kernel-modules", ringbufVersion, `collector-ebpf-${b.kernel}.o.gz`);
      expect(elfHeader(obj).machine).toBe(EM_BPF);
      expect(sectionNames(obj)).toContain("tp_btf/sched_process_exec");
    }
    for (const b of withHeaders) expectModule(ringbufOut, ringbufVersion, b);
  });

  it("merges two driver images, squashes the result into two layers, and makes a collector image of one version", async () => {
    const empty = track(tempDir("empty-ctx"));
    const dockerfile = (name: string) => path.join(workspace, "kernel-modules", "dockerized", name);
    // The seed's spellings DRIVERS_REPO and EXTRA_DRIVERS.
    const merged = await build({
      ctx: empty,
      dockerfile: dockerfile("Dockerfile.merge"),
      tag: driversImage("merged"),
      buildArgs: { DRIVERS_REPO: REPO, BASE_TAG: runTag("master"), EXTRA_DRIVERS: runTag("ringbuf") },
    });
    const mergedOut = await outputs(merged.tag, "merged");
    const masterOut = await outputs(driversImage("master"), "master-again");
    for (const dir of ["kernel-modules", "FAILURES"]) {
      const union = [...new Set([...listFiles(path.join(masterOut, dir)), ...listFiles(path.join(ringbufOut, dir))])].sort();
      expect(listFiles(path.join(mergedOut, dir))).toEqual(union);
    }

    const squashed = await build({
      ctx: empty,
      dockerfile: dockerfile("Dockerfile.squash"),
      tag: driversImage("squashed"),
      buildArgs: { DRIVERS_REPO: REPO, DRIVERS_TAG: runTag("merged") },
    });
    expect(await imageLayers(squashed.tag)).toBe(2);
    const squashedOut = await outputs(squashed.tag, "squashed");
    for (const dir of ["kernel-modules", "FAILURES"]) {
      expect(listFiles(path.join(squashedOut, dir))).toEqual(listFiles(path.join(mergedOut, dir)));
    }

    // A stand-in for the collector -slim image, which no registry can give here.
    const slimCtx = track(tempDir("collector-slim"));
    fs.writeFileSync(path.join(slimCtx, "Dockerfile"), "FROM kobuild/drivers-base:1\nLABEL org.kobuild.role=collector-slim-stand-in\n");
    const slim = await build({ ctx: slimCtx, dockerfile: "Dockerfile", tag: `${REPO}/collector:${runTag("slim")}` });
    const full = await build({
      ctx: empty,
      dockerfile: dockerfile("Dockerfile.collector"),
      tag: `${REPO}/collector:${runTag("dockerized")}`,
      buildArgs: {
        COLLECTOR_REPO: REPO,
        COLLECTOR_TAG: slim.tag.split(":")[1] as string,
        DRIVERS_REPO: REPO,
        DRIVERS_TAG: runTag("squashed"),
        MODULE_VERSION: moduleVersion,
      },
    });
    const fullOut = track(await copyFromImage(full.tag, ["/kernel-modules"], "collector"));
    expect(listFiles(path.join(fullOut, "kernel-modules"))).toEqual(
      listFiles(path.join(squashedOut, "kernel-modules", moduleVersion)).filter((f) => f.endsWith(".gz")),
    );
  }, BUILD_TIMEOUT);
});
