// The coverage model's pure functions at a full build's scale, on the inputs
// their unit tests check (test/coverage-at-scale.ts): the grid of 6,000
// kernels x 4 module versions x 2 flavours made and encoded for the wire, and
// 6,000 kernel ids sorted. No server, no engine.
import os from "node:os";
import { gzipSync } from "node:zlib";
import { buildCoverage } from "@/lib/coverage/coverage-model";
import { encodeCoverage } from "@/lib/coverage/coverage-wire";
import { sortKernels } from "@/lib/coverage/kernel-order";
import { scaleCoverageInput, scaleKernelNames } from "../test/coverage-at-scale";
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
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    // Other work on the cores shows in these figures: the load says how much there was.
    "model: 1-minute load average": Math.round(os.loadavg()[0]! * 10) / 10,
    "coverage model: 6,000 kernels x 4 module versions made, encoded and serialised (ms, median of 9)": goal(round(percentile(grid, 50)), "< 200", (ms) => ms < 200),
    "coverage model: the same, slowest of 9 (ms)": round(Math.max(...grid)),
    "coverage model: answer gzipped (bytes)": goal(gzipped, "< 1 MiB", (n) => n < 1024 * 1024),
    "sortKernels: 6,000 kernel ids (ms, median of 9)": goal(round(percentile(sort, 50)), "< 200", (ms) => ms < 200),
    "sortKernels: slowest of 9 (ms)": round(Math.max(...sort)),
  };
}
