import { describe, expect, it } from "vitest";
import { buildCoverage, countCells, emptyCounts, type DriverFact, type TaskFact } from "@/lib/coverage/coverage-model";
import { SCALE_KERNELS, scaleCoverageInput, scaleFails } from "@/test/coverage-at-scale";
import { columnCoverage } from "./coverage-ratio";

// The sample's four kernels as a build on a cache sees them (the grid of
// components/coverage/__fixtures__/sample-coverage.json): 3.10 fails for
// want of headers and has no eBPF probe, 6.1.0-55 comes from the cache, the
// cloud kernel is blocklisted, 6.12 is built.
const K310 = "3.10.0-1160.el7.x86_64";
const K55 = "6.1.0-55-amd64";
const KCLOUD = "6.1.0-56-cloud-amd64";
const K612 = "6.12.117+deb12-amd64";
const task = (kernel: string, flavour: "mod" | "bpf", state: TaskFact["state"]): TaskFact => ({ kernel, moduleVersion: "2.2.0", flavour, state });
const file = (kernel: string, flavour: "mod" | "bpf", kind: DriverFact["kind"] = "driver"): DriverFact => ({ kernel, moduleVersion: "2.2.0", flavour, kind });

function sampleColumns() {
  const coverage = buildCoverage({
    tasks: [task(K310, "mod", "failed"), task(K310, "bpf", "planned"), task(K55, "mod", "cached"), task(K55, "bpf", "cached"), task(KCLOUD, "mod", "blocklisted"), task(KCLOUD, "bpf", "blocklisted"), task(K612, "mod", "built"), task(K612, "bpf", "built")],
    hasImage: true,
    drivers: [file(K310, "bpf", "marker"), file(K55, "mod"), file(K55, "bpf"), file(K612, "mod"), file(K612, "bpf")],
    failures: [{ id: 1, kernel: K310, moduleVersion: "2.2.0", flavour: "mod" }],
  });
  const [column] = countCells(coverage).perModuleVersion;
  return { mod: columnCoverage("2.2.0", "mod", column!.mod)!, bpf: columnCoverage("2.2.0", "bpf", column!.bpf)! };
}

describe("columnCoverage", () => {
  it("counts built and cached kernels over the kernels that are neither blocklisted nor unavailable", () => {
    const { mod, bpf } = sampleColumns();
    expect(mod).toMatchObject({ kernels: 4, withDriver: 2, built: 1, cached: 1, failed: 1, blocklisted: 1, unavailable: 0 });
    // 3.10 failed: 2 drivers of the 3 kernels that could have one.
    expect(mod.coverage).toBeCloseTo(2 / 3, 10);
    // 3.10 has no probe to build and the cloud kernel was removed: both drivers that could exist are there.
    expect(bpf).toMatchObject({ kernels: 4, withDriver: 2, unavailable: 1, blocklisted: 1, failed: 0 });
    expect(bpf.coverage).toBe(1);
  });

  it("leaves out a column the build never planned, and has no coverage when nothing could be built", () => {
    expect(columnCoverage("2.0.0", "bpf", { ...emptyCounts(), notPlanned: 4 })).toBeNull();
    expect(columnCoverage("2.0.0", "bpf", { ...emptyCounts(), unavailable: 3, blocklisted: 1 })!.coverage).toBeNull();
  });

  it("counts missing and unplanned kernels against coverage", () => {
    expect(columnCoverage("2.2.0", "mod", { ...emptyCounts(), built: 6, missing: 2, notPlanned: 2 })!.coverage).toBe(0.6);
  });

  it("gives a full build's kernel-module coverage: every 97th kernel fails", () => {
    const { perModuleVersion } = countCells(buildCoverage(scaleCoverageInput()));
    const failing = Array.from({ length: SCALE_KERNELS }, (_, i) => i).filter(scaleFails).length;
    for (const column of perModuleVersion) {
      const mod = columnCoverage(column.moduleVersion, "mod", column.mod)!;
      expect(mod.kernels).toBe(SCALE_KERNELS);
      expect(mod.failed).toBe(failing);
      expect(mod.coverage).toBeCloseTo((SCALE_KERNELS - failing) / SCALE_KERNELS, 10);
    }
  });
});
