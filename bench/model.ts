// The coverage model's pure functions at a full build's scale, on the inputs
// their unit tests check (test/coverage-at-scale.ts): the grid of 6,000
// kernels x 4 module versions x 2 flavours made and encoded for the wire, and
// 6,000 kernel ids sorted, and a fleet's 10,000 `uname -r` lines answered
// from that grid (lib/drivers). No server, no engine.
import os from "node:os";
import { gzipSync } from "node:zlib";
import { buildCoverage } from "@/lib/coverage/coverage-model";
import { encodeCoverage } from "@/lib/coverage/coverage-wire";
import { sortKernels } from "@/lib/coverage/kernel-order";
import { cellFinder, lookupReleases, summarizeLookup, type ImageFacts } from "@/lib/drivers/driver-lookup-model";
import { unameOfKernelId } from "@/lib/drivers/kernel-release";
import { SCALE_KERNELS, scaleCoverageInput, scaleKernel, scaleKernelNames } from "../test/coverage-at-scale";
import { goal, percentile } from "./support";

type Result = Record<string, number | string>;

const RUNS = 9;

/** Milliseconds of each of `RUNS` calls, after one call that warms the JIT. */
function time(work: () => unknown): number[] {
  work();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  return times;
}

export async function benchModel(): Promise<Result> {
  const input = scaleCoverageInput();
  let body = "";
  const grid = time(() => {
    body = JSON.stringify(encodeCoverage(buildCoverage(input)));
  });
  const names = scaleKernelNames();
  const sort = time(() => sortKernels(names));
  const gzipped = gzipSync(body).length;
  const facts = lookupFacts(input);
  // Every kernel's node, then 4,000 kernels kobuild has no bundle of.
  const lines = Array.from({ length: 10_000 }, (_, i) => (i < SCALE_KERNELS ? unameOfKernelId(scaleKernel(i)) : `5.4.0-${i}-azure`));
  const lookup = time(() => {
    const kernels = lookupReleases(facts, lines);
    return JSON.stringify({ kernels, summary: summarizeLookup(kernels) }).length;
  });
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    // Other work on the cores shows in these figures: the load says how much there was.
    "model: 1-minute load average": Math.round(os.loadavg()[0]! * 10) / 10,
    "coverage model: 6,000 kernels x 4 module versions made, encoded and serialised (ms, median of 9)": goal(round(percentile(grid, 50)), "< 200", (ms) => ms < 200),
    "coverage model: the same, slowest of 9 (ms)": round(Math.max(...grid)),
    "coverage model: answer gzipped (bytes)": goal(gzipped, "< 1 MiB", (n) => n < 1024 * 1024),
    "sortKernels: 6,000 kernel ids (ms, median of 9)": goal(round(percentile(sort, 50)), "< 200", (ms) => ms < 200),
    "sortKernels: slowest of 9 (ms)": round(Math.max(...sort)),
    "driver lookup: 10,000 uname -r lines against 6,000 kernels x 4 module versions, answered and serialised (ms, median of 9)": goal(round(percentile(lookup, 50)), "< 1000", (ms) => ms < 1000),
    "driver lookup: the same, slowest of 9 (ms)": round(Math.max(...lookup)),
  };
}

/** What lib/drivers/lookup-drivers.ts reads of such an image: every driver file and failure, every other kernel's bundle. */
function lookupFacts(input: ReturnType<typeof scaleCoverageInput>): ImageFacts {
  const coverage = buildCoverage(input);
  const cellKey = cellFinder(coverage) as (kernel: string, moduleVersion: string, flavour: "mod" | "bpf") => number;
  const files = new Map(input.drivers.filter((d) => d.kind === "driver").map((d) => [cellKey(d.kernel, d.moduleVersion, d.flavour), { path: `/kernel-modules/${d.moduleVersion}/collector-${d.kernel}.ko.gz`, size: 4096, sha256: "0".repeat(64) }]));
  const failures = new Map(input.failures.map((f) => [cellKey(f.kernel, f.moduleVersion, f.flavour), { id: f.id, signature: "error: implicit declaration of function" }]));
  const bundleUnames = new Map<string, string>();
  for (let i = 0; i < SCALE_KERNELS; i += 2) bundleUnames.set(scaleKernel(i), unameOfKernelId(scaleKernel(i)));
  return { imageId: 1, coverage, files, failures, groups: new Map(), bundleUnames };
}
