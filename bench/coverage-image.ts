// Coverage at real scale: a driver image in the real layout with 6,000
// kernels of the families a full build had in January 2023 (Ubuntu cloud and
// generic, el7, COS, Fedora, el8, Debian, Amazon Linux 2, ...), 4 module
// versions and both flavours, with unavailability markers (kernels older than
// 4.14, a module version without eBPF probe) and failure logs (real logs of
// sample builds, their kernel names replaced). The image is made by streaming
// a tar into `docker import` (nothing is held whole in memory), then kobuild
// reads it (storeDriverImage) and answers the coverage API for it, and for a
// build whose task lines name every one of its tasks.
//
//   npx tsx --conditions=react-server bench/coverage-image.ts
//
// or `benchCoverageImage()` from another script.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { importDriverImage } from "../test/driver-image-import";
import { auth, benchToken, repoRoot, tempDir } from "./support";

type Result = Record<string, number | string>;

const MODULE_VERSIONS = [
  { moduleVersion: "2.2.0", bpf: false },
  { moduleVersion: "2.3.0", bpf: true },
  { moduleVersion: "2.4.0", bpf: true },
  { moduleVersion: "2.5.0", bpf: true },
];

/** A small deterministic generator, so every run builds the same image. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Kernel id shapes per family, as distributions name their kernels, with the
// January 2023 KERNEL_VERSIONS mix (5,818 lines) scaled to `total`.
const FAMILIES: { weight: number; make: (r: () => number) => string }[] = [
  {
    weight: 1900, // Ubuntu cloud flavours
    make: (r) => {
      const flavour = pick(r, ["aws", "gcp", "azure", "oracle", "gke", "kvm", "gkeop", "ibm"]);
      const base = pick(r, ["4.15.0", "5.4.0", "5.11.0", "5.13.0", "5.15.0", "5.19.0"]);
      const backport = base === "4.15.0" ? pick(r, ["", "~16.04"]) : base === "5.4.0" ? pick(r, ["", "~18.04"]) : base === "5.15.0" ? pick(r, ["", "~20.04"]) : "~20.04";
      return `${base}-${1000 + int(r, 160)}-${flavour}${backport}`;
    },
  },
  { weight: 650, make: (r) => `${pick(r, ["4.4.0", "4.15.0", "5.4.0", "5.8.0", "5.15.0"])}-${21 + int(r, 190)}-${pick(r, ["generic", "generic", "generic", "lowlatency"])}` },
  { weight: 750, make: (r) => `3.10.0-${pick(r, ["123", "229", "327", "514", "693", "862", "957", "1062", "1127", "1160"])}.${1 + int(r, 90)}.${1 + int(r, 3)}.el7.x86_64` },
  { weight: 690, make: (r) => `${pick(r, ["4.19", "5.4", "5.10", "5.15"])}.${20 + int(r, 150)}-${pick(r, ["13310", "16108", "16623", "16919", "17162"])}.${int(r, 300)}.${int(r, 40)}-cos` },
  { weight: 520, make: (r) => `${pick(r, ["5.10", "5.14", "5.19", "6.0", "6.1"])}.${1 + int(r, 20)}-${pick(r, ["100", "200", "300"])}.fc${33 + int(r, 6)}.x86_64` },
  { weight: 220, make: (r) => `4.18.0-${pick(r, ["80", "147", "193", "240", "305", "348", "372", "425", "477"])}.${1 + int(r, 60)}.1.el8_${int(r, 8)}.x86_64` },
  { weight: 170, make: (r) => `${pick(r, ["4.19.0", "5.10.0", "6.1.0"])}-${5 + int(r, 22)}-${pick(r, ["amd64", "cloud-amd64", "rt-amd64"])}` },
  { weight: 140, make: (r) => `${pick(r, ["4.14", "5.4", "5.10"])}.${100 + int(r, 250)}-${int(r, 200)}.${int(r, 500)}.amzn2.x86_64` },
  { weight: 123, make: (r) => `2.6.32-${pick(r, ["431", "504", "573", "642", "696", "754"])}.${1 + int(r, 40)}.${1 + int(r, 3)}.el6.x86_64` },
  { weight: 120, make: (r) => pick(r, [`5.3.18-${24 + int(r, 130)}.${int(r, 90)}-default`, `5.14.21-150400.${22 + int(r, 30)}.${int(r, 90)}-default`]) },
  { weight: 100, make: (r) => `5.14.0-${70 + int(r, 300)}.${1 + int(r, 40)}.1.el9_${int(r, 3)}.x86_64` },
  { weight: 90, make: (r) => `${pick(r, ["4.14.35", "5.4.17", "5.15.0"])}-${2000 + int(r, 200)}.${int(r, 500)}.${int(r, 10)}.el${pick(r, ["7", "8"])}uek.x86_64` },
  { weight: 80, make: (r) => `${pick(r, ["5.10", "5.15"])}.${30 + int(r, 130)}-flatcar` },
  { weight: 60, make: (r) => `${pick(r, ["4.14", "4.19"])}.${40 + int(r, 110)}-coreos${pick(r, ["", "-r1"])}` },
  { weight: 30, make: (r) => `6.1.${10 + int(r, 60)}-${1 + int(r, 100)}.${int(r, 200)}.amzn2023.x86_64` },
];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}
function int(r: () => number, n: number) {
  return Math.floor(r() * n);
}

export function benchKernels(total: number): string[] {
  const r = random(2023);
  const weights = FAMILIES.reduce((n, f) => n + f.weight, 0);
  const kernels = new Set<string>();
  for (const family of FAMILIES) {
    const want = kernels.size + Math.round((family.weight / weights) * total);
    for (let tries = 0; kernels.size < want && tries < want * 50; tries++) kernels.add(family.make(r));
  }
  for (let tries = 0; kernels.size < total && tries < total * 50; tries++) kernels.add(FAMILIES[0]!.make(r));
  return [...kernels].slice(0, total);
}

const olderThan414 = (kernel: string) => {
  const [major, minor] = kernel.split(".").map(Number) as [number, number];
  return major < 4 || (major === 4 && minor < 14);
};

type Outcome = "driver" | "marker" | "failed";

// Which tasks fail, as real failures spread: 2.6 kernels with a new module,
// the newest probe on kernels without cgroup local storage, a scatter of others.
function outcome(kernel: string, moduleVersion: string, flavour: "mod" | "bpf", r: () => number): Outcome {
  const bpf = MODULE_VERSIONS.find((v) => v.moduleVersion === moduleVersion)!.bpf;
  if (flavour === "bpf" && (!bpf || olderThan414(kernel))) return "marker";
  if (flavour === "mod" && kernel.startsWith("2.6.") && moduleVersion >= "2.4.0") return "failed";
  if (flavour === "bpf" && moduleVersion === "2.5.0" && /^5\.(4|10)\./.test(kernel) && r() < 0.15) return "failed";
  return r() < 0.004 ? "failed" : "driver";
}

// Real failure logs of sample builds, with the kernel and module version they name.
const LOG_TEMPLATES = {
  probe: { file: "6.1.0-55-amd64-2.3.0-bpf.log", kernel: "6.1.0-55-amd64", moduleVersion: "2.3.0" },
  headers: { file: "3.10.0-1160.el7.x86_64-2.1.0-mod.log", kernel: "3.10.0-1160.el7.x86_64", moduleVersion: "2.1.0" },
  strlcpy: { file: "6.12.117+deb12-amd64-2.1.0-mod.log", kernel: "6.12.117+deb12-amd64", moduleVersion: "2.1.0" },
};

function failureLog(kernel: string, moduleVersion: string, flavour: "mod" | "bpf") {
  const t = flavour === "bpf" ? LOG_TEMPLATES.probe : kernel.startsWith("2.6.") ? LOG_TEMPLATES.headers : LOG_TEMPLATES.strlcpy;
  const text = fs.readFileSync(path.join(repoRoot, "lib", "driver-images", "__fixtures__", "failure-logs", t.file), "utf8");
  return text.replaceAll(t.kernel, kernel).replaceAll(t.moduleVersion, moduleVersion);
}

type Entry = { name: string; content: Buffer };

function* imageFiles(kernels: string[]): Generator<Entry> {
  const r = random(7);
  for (const kernel of kernels) {
    for (const { moduleVersion } of MODULE_VERSIONS) {
      for (const flavour of ["mod", "bpf"] as const) {
        const result = outcome(kernel, moduleVersion, flavour, r);
        const dir = `kernel-modules/${moduleVersion}`;
        if (result === "marker") {
          yield { name: `${dir}/.collector-ebpf-${kernel}.unavail`, content: Buffer.from(olderThan414(kernel) ? "kernel older than 4.14\n" : `module version ${moduleVersion} has no eBPF probe\n`) };
        } else if (result === "failed") {
          yield { name: `FAILURES/${kernel}/${moduleVersion}/${flavour}.log`, content: Buffer.from(failureLog(kernel, moduleVersion, flavour)) };
        } else {
          // Small fake drivers: distinct bytes, so every hash differs as real ones do.
          const content = gzipSync(`${flavour === "mod" ? "kernel module" : "eBPF probe"} ${moduleVersion} for ${kernel}\n`, { level: 1 });
          yield { name: `${dir}/collector-${flavour === "bpf" ? "ebpf-" : ""}${kernel}.${flavour === "mod" ? "ko" : "o"}.gz`, content };
        }
      }
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The first answer (cold: nothing compiled or cached yet) and the median of the next `runs`. */
export async function timeRoute(get: () => Promise<Response>, runs = 7) {
  const times: number[] = [];
  let body = "";
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    const response = await get();
    body = await response.text();
    times.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`status ${response.status}: ${body.slice(0, 200)}`);
  }
  return { first: times[0]!, ms: median(times.slice(1)), bytes: Buffer.byteLength(body), gzipped: gzipSync(body).length, body };
}

export type CoverageBenchContext = { dataDir: string; imageId: number; buildId: number };

/** `whileReady` runs with the data directory still in place (for a browser measurement on a server of its own). */
export async function benchCoverageImage({
  kernels: total = 6000,
  keepImage = false,
  whileReady,
}: { kernels?: number; keepImage?: boolean; whileReady?: (context: CoverageBenchContext) => Promise<Result> } = {}): Promise<Result> {
  const dataDir = tempDir("coverage");
  process.env.KOBUILD_DATA_DIR = dataDir;
  // The routes are called in this process: they check an API token as they do for any caller.
  process.env.KOBUILD_ADMIN_TOKEN = benchToken;
  const { getDb } = await import("@/lib/db/client");
  const { builds } = await import("@/lib/db/schema");
  const { getDefaultEngine } = await import("@/lib/docker/engine");
  const { storeDriverImage } = await import("@/lib/driver-images/store-driver-image");
  const { TaskProgressTracker } = await import("@/lib/builds/task-progress");
  const imageCoverage = await import("@/app/api/images/[id]/coverage/route");
  const imageFailures = await import("@/app/api/images/[id]/failures/route");
  const buildCoverage = await import("@/app/api/builds/[id]/coverage/route");
  const { eq } = await import("drizzle-orm");
  const { provisionAccess } = await import("@/lib/auth/first-start");

  const kernels = benchKernels(total);
  const ref = `kobuild-bench/collector-drivers:coverage-${process.pid}`;
  const result: Result = { "coverage image: kernels": kernels.length, "coverage image: module versions": MODULE_VERSIONS.length };
  try {
    let started = performance.now();
    const imported = await importDriverImage(ref, imageFiles(kernels));
    result["coverage image: files"] = imported.files;
    result["coverage image: generate and docker import (s)"] = round((performance.now() - started) / 1000);

    const db = getDb();
    // As the server does at start-up: KOBUILD_ADMIN_TOKEN becomes an admin's API token.
    await provisionAccess(db);
    started = performance.now();
    const stored = await storeDriverImage(db, getDefaultEngine(), ref, { tag: ref });
    result["coverage image: storeDriverImage (s)"] = round((performance.now() - started) / 1000);
    result["coverage image: drivers and markers"] = stored.drivers;
    result["coverage image: failure logs"] = stored.failures;

    const image = await timeRoute(() => imageCoverage.GET(new Request(`http://127.0.0.1/api/images/${stored.imageId}/coverage`, { headers: auth }), { params: Promise.resolve({ id: String(stored.imageId) }) }));
    const cells = (JSON.parse(image.body) as { cells: string }).cells.length;
    result["coverage image: cells"] = cells;
    result["GET /api/images/:id/coverage (ms, first)"] = round(image.first);
    result["GET /api/images/:id/coverage (ms, median of the next 7)"] = round(image.ms);
    result["GET /api/images/:id/coverage (bytes, gzipped)"] = image.gzipped;
    result["GET /api/images/:id/coverage (bytes)"] = image.bytes;
    const failures = await timeRoute(() => imageFailures.GET(new Request(`http://127.0.0.1/api/images/${stored.imageId}/failures`, { headers: auth }), { params: Promise.resolve({ id: String(stored.imageId) }) }));
    result["GET /api/images/:id/failures (ms, first; signatures were made at read)"] = round(failures.first);
    result["GET /api/images/:id/failures (ms, median of the next 7)"] = round(failures.ms);
    result["GET /api/images/:id/failures (groups)"] = (JSON.parse(failures.body) as { groups: unknown[] }).groups.length;

    // A build that made this image: its task master's plan and its builders' ends, as lines.
    const buildId = db.insert(builds).values({ status: "running", imageId: stored.imageId, tag: ref }).returning({ id: builds.id }).get().id;
    const tracker = new TaskProgressTracker(db, buildId);
    const r = random(7);
    const lines: string[] = [];
    for (const kernel of kernels) {
      for (const { moduleVersion, bpf } of MODULE_VERSIONS) {
        for (const flavour of bpf ? (["mod", "bpf"] as const) : (["mod"] as const)) {
          lines.push(`KOBUILD-PLAN kernel=${kernel} version=${moduleVersion} flavour=${flavour}`);
        }
      }
    }
    for (const kernel of kernels) {
      for (const { moduleVersion, bpf } of MODULE_VERSIONS) {
        for (const flavour of ["mod", "bpf"] as const) {
          const o = outcome(kernel, moduleVersion, flavour, r);
          if (flavour === "bpf" && !bpf) continue;
          lines.push(`KOBUILD-TASK end kernel=${kernel} version=${moduleVersion} flavour=${flavour} result=${o === "driver" ? "built" : o === "marker" ? "unavailable" : "failed"} seconds=1.00`);
        }
      }
    }
    started = performance.now();
    for (const line of lines) tracker.line(line);
    tracker.flush();
    result["task lines recorded (plan and ends)"] = lines.length;
    result["task lines recorded (ms)"] = round(performance.now() - started);
    db.update(builds).set({ status: "succeeded" }).where(eq(builds.id, buildId)).run();

    const build = await timeRoute(() => buildCoverage.GET(new Request(`http://127.0.0.1/api/builds/${buildId}/coverage`, { headers: auth }), { params: Promise.resolve({ id: String(buildId) }) }));
    const sameCells = (JSON.parse(build.body) as { cells: string }).cells === (JSON.parse(image.body) as { cells: string }).cells;
    result["GET /api/builds/:id/coverage (ms, first)"] = round(build.first);
    result["GET /api/builds/:id/coverage (ms, median of the next 7)"] = round(build.ms);
    result["GET /api/builds/:id/coverage (bytes, gzipped)"] = build.gzipped;
    result["build and image coverage agree"] = sameCells ? "yes" : "no";
    if (whileReady) Object.assign(result, await whileReady({ dataDir, imageId: stored.imageId, buildId }));
  } finally {
    if (!keepImage) spawn("/usr/bin/docker", ["rmi", "-f", ref], { stdio: "ignore" });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return result;
}

const round = (n: number) => Math.round(n * 100) / 100;

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) {
  benchCoverageImage()
    .then((result) => {
      for (const [name, value] of Object.entries(result)) console.log(`| ${name} | ${value} |`);
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
