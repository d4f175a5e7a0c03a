import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildCoverage, CELL_STATES, cellIndex, countCells, stateOf, type DriverFact, type FailureFact, type TaskFact } from "./coverage-model";
import { encodeCoverage, readWireCell } from "./coverage-wire";
import { sortKernels } from "./kernel-order";
import { SCALE_KERNELS, SCALE_MODULE_VERSIONS, scaleCoverageInput, scaleFails, scaleKernel, taskFact as task } from "@/test/coverage-at-scale";

// The sample's bundles and what its builds make of them: module version 2.2.0
// (mod and bpf), 3.10 fails for want of headers and has no eBPF probe (older
// than 4.14).
const K310 = "3.10.0-1160.el7.x86_64";
const K55 = "6.1.0-55-amd64";
const K56 = "6.1.0-56-amd64";
const KCLOUD = "6.1.0-56-cloud-amd64";
const K612 = "6.12.117+deb12-amd64";

const driver = (kernel: string, moduleVersion: string, flavour: "mod" | "bpf"): DriverFact => ({ kernel, moduleVersion, flavour, kind: "driver" });
const marker = (kernel: string, moduleVersion: string): DriverFact => ({ kernel, moduleVersion, flavour: "bpf", kind: "marker" });

describe("buildCoverage for an image", () => {
  const drivers = [driver(K55, "2.2.0", "mod"), driver(K55, "2.2.0", "bpf"), marker(K310, "2.2.0"), driver(K612, "2.0.0", "mod"), marker(K612, "2.0.0")];
  const failures: FailureFact[] = [{ id: 41, kernel: K310, moduleVersion: "2.2.0", flavour: "mod" }];
  const coverage = buildCoverage({ tasks: null, hasImage: true, drivers, failures });

  it("lists the union of kernels and module versions, in version order, with their families", () => {
    expect(coverage.kernels).toEqual([
      { name: K310, family: "el7" },
      { name: K55, family: "debian" },
      { name: K612, family: "debian" },
    ]);
    expect(coverage.moduleVersions).toEqual(["2.0.0", "2.2.0"]);
    expect(coverage.cells).toHaveLength(3 * 2 * 2);
  });

  it("gives drivers built, markers unavailable, logs failed and holes notPlanned", () => {
    expect(stateOf(coverage, K55, "2.2.0", "mod")).toBe("built");
    expect(stateOf(coverage, K55, "2.2.0", "bpf")).toBe("built");
    expect(stateOf(coverage, K310, "2.2.0", "bpf")).toBe("unavailable");
    expect(stateOf(coverage, K310, "2.2.0", "mod")).toBe("failed");
    expect(coverage.failureIds.get(cellIndex(2, 0, 1, "mod"))).toBe(41);
    expect(stateOf(coverage, K612, "2.0.0", "bpf")).toBe("unavailable");
    expect(stateOf(coverage, K612, "2.2.0", "mod")).toBe("notPlanned");
    expect(stateOf(coverage, K55, "2.0.0", "mod")).toBe("notPlanned");
    // An image alone never says cached, missing or blocklisted: only a build knows.
    expect(countCells(coverage).total).toMatchObject({ cached: 0, missing: 0, blocklisted: 0 });
  });

  it("keeps a driver over a failure log of the same task, as a merged image does", () => {
    const merged = buildCoverage({ tasks: null, hasImage: true, drivers: [driver(KCLOUD, "2.2.0", "bpf")], failures: [{ id: 7, kernel: KCLOUD, moduleVersion: "2.2.0", flavour: "bpf" }] });
    expect(stateOf(merged, KCLOUD, "2.2.0", "bpf")).toBe("built");
    expect(merged.failureIds.size).toBe(0);
  });
});

describe("buildCoverage for a build", () => {
  // A build of 2.2.0 with the first build's image as cache for 6.1.0-55, a
  // BLOCKLIST rule for the cloud kernel's probe, a 6.1.0-56 bpf task that was
  // still planned when the build was cancelled... and an image from the end.
  const tasks: TaskFact[] = [
    task(K55, "2.2.0", "mod", "cached"),
    task(K55, "2.2.0", "bpf", "cached"),
    task(KCLOUD, "2.2.0", "bpf", "blocklisted", [14, "*-cloud-amd64 * bpf"]),
    task(KCLOUD, "2.2.0", "mod", "built"),
    task(K310, "2.2.0", "mod", "failed"),
    task(K310, "2.2.0", "bpf", "unavailable"),
    task(K56, "2.2.0", "mod", "built"),
    task(K56, "2.2.0", "bpf", "running"),
    task(K612, "2.2.0", "mod", "planned"),
  ];
  const drivers = [
    // The cache's drivers, copied into the result; one of a kernel this build was not given.
    driver(K55, "2.2.0", "mod"),
    driver(K55, "2.2.0", "bpf"),
    driver("5.4.0-1055-gcp", "2.2.0", "mod"),
    marker("5.4.0-1055-gcp", "2.1.0"),
    driver(KCLOUD, "2.2.0", "mod"),
    driver(K56, "2.2.0", "mod"),
    marker(K310, "2.2.0"),
  ];
  const failures: FailureFact[] = [{ id: 3, kernel: K310, moduleVersion: "2.2.0", flavour: "mod" }];
  const distros = new Map([[K310, "redhat"]]);
  const coverage = buildCoverage({ tasks, hasImage: true, drivers, failures, kernels: [K612, "6.1.0-57-amd64"], distros });

  it("holds every kernel of its tasks, files and bundles", () => {
    expect(coverage.kernels.map((k) => k.name)).toEqual([K310, "5.4.0-1055-gcp", K55, K56, KCLOUD, "6.1.0-57-amd64", K612]);
    expect(coverage.kernels[0]).toEqual({ name: K310, family: "el7" });
    expect(coverage.moduleVersions).toEqual(["2.1.0", "2.2.0"]);
  });

  it.each([
    [K55, "2.2.0", "mod", "cached"],
    [K55, "2.2.0", "bpf", "cached"],
    ["5.4.0-1055-gcp", "2.2.0", "mod", "cached"],
    ["5.4.0-1055-gcp", "2.1.0", "bpf", "unavailable"],
    [KCLOUD, "2.2.0", "mod", "built"],
    [KCLOUD, "2.2.0", "bpf", "blocklisted"],
    [K310, "2.2.0", "mod", "failed"],
    [K310, "2.2.0", "bpf", "unavailable"],
    [K56, "2.2.0", "mod", "built"],
    [K56, "2.2.0", "bpf", "missing"],
    [K612, "2.2.0", "mod", "missing"],
    [K612, "2.2.0", "bpf", "notPlanned"],
    ["6.1.0-57-amd64", "2.2.0", "mod", "notPlanned"],
  ] as const)("%s %s %s is %s", (kernel, moduleVersion, flavour, state) => {
    expect(stateOf(coverage, kernel, moduleVersion, flavour)).toBe(state);
  });

  it("keeps the rule of a blocklisted cell and the log of a failed one", () => {
    const wire = encodeCoverage(coverage);
    expect(readWireCell(wire, KCLOUD, "2.2.0", "bpf")).toEqual({ state: "blocklisted", failureId: null, rule: { file: "kernel-modules/dockerized/BLOCKLIST", line: 14, text: "*-cloud-amd64 * bpf" } });
    expect(readWireCell(wire, K310, "2.2.0", "mod")).toEqual({ state: "failed", failureId: 3, rule: null });
    expect(wire.blocklistRules).toEqual([{ file: "kernel-modules/dockerized/BLOCKLIST", line: 14, text: "*-cloud-amd64 * bpf" }]);
  });

  it("says built and failed from the builders' word while there is no image yet", () => {
    const early = buildCoverage({ tasks, hasImage: false, drivers: [], failures: [] });
    expect(stateOf(early, KCLOUD, "2.2.0", "mod")).toBe("built");
    expect(stateOf(early, K310, "2.2.0", "mod")).toBe("failed");
    expect(stateOf(early, K310, "2.2.0", "bpf")).toBe("unavailable");
    expect(stateOf(early, K55, "2.2.0", "mod")).toBe("cached");
    expect(stateOf(early, K56, "2.2.0", "bpf")).toBe("missing");
    expect(early.failureIds.size).toBe(0);
  });

  it("shows a re-run's blocklisted task as blocklisted though the image it was merged onto kept the old failure log", () => {
    const rerun = buildCoverage({
      tasks: [task(K310, "2.0.0", "mod", "blocklisted", [20, `${K310} 2.0.0 mod`]), task(K310, "2.1.0", "mod", "failed")],
      hasImage: true,
      drivers: [],
      failures: [
        { id: 7, kernel: K310, moduleVersion: "2.0.0", flavour: "mod" },
        { id: 8, kernel: K310, moduleVersion: "2.1.0", flavour: "mod" },
      ],
    });
    expect(stateOf(rerun, K310, "2.0.0", "mod")).toBe("blocklisted");
    expect(stateOf(rerun, K310, "2.1.0", "mod")).toBe("failed");
    // An image alone still shows every log it holds.
    expect(stateOf(buildCoverage({ tasks: null, hasImage: true, drivers: [], failures: [{ id: 7, kernel: K310, moduleVersion: "2.0.0", flavour: "mod" }] }), K310, "2.0.0", "mod")).toBe("failed");
  });

  it("calls a task reported built but absent from the image missing", () => {
    const lost = buildCoverage({ tasks: [task(K56, "2.2.0", "mod", "built")], hasImage: true, drivers: [], failures: [] });
    expect(stateOf(lost, K56, "2.2.0", "mod")).toBe("missing");
  });

  it("gives a queued build's bundles their row, every cell notPlanned", () => {
    const queued = buildCoverage({ tasks: [], hasImage: false, drivers: [], failures: [], kernels: [K55, K310] });
    expect(queued.kernels.map((k) => k.name)).toEqual([K310, K55]);
    expect(queued.moduleVersions).toEqual([]);
    expect(encodeCoverage(queued).cells).toBe("");
  });
});

describe("encodeCoverage", () => {
  it("packs one character per cell and counts them", () => {
    const coverage = buildCoverage({
      tasks: [task(K55, "2.2.0", "bpf", "blocklisted", [3, K55]), task(K56, "2.2.0", "mod", "planned")],
      hasImage: true,
      drivers: [driver(K55, "2.2.0", "mod"), marker(K310, "2.2.0")],
      failures: [{ id: 9, kernel: K310, moduleVersion: "2.2.0", flavour: "mod" }],
    });
    const wire = encodeCoverage(coverage);
    // K310: failed, unavailable; K55: cached (no task, yet in a build's image), blocklisted; K56: missing, notPlanned
    expect(wire.cells).toBe("FUCXM.");
    expect(wire.counts).toEqual({ built: 0, cached: 1, failed: 1, unavailable: 1, blocklisted: 1, missing: 1, notPlanned: 1 });
    expect(wire.perModuleVersion).toEqual([
      { moduleVersion: "2.2.0", mod: { built: 0, cached: 1, failed: 1, unavailable: 0, blocklisted: 0, missing: 1, notPlanned: 0 }, bpf: { built: 0, cached: 0, failed: 0, unavailable: 1, blocklisted: 1, missing: 0, notPlanned: 1 } },
    ]);
    expect(Object.values(wire.states).sort()).toEqual([...CELL_STATES].sort());
    expect(wire.families).toEqual([
      { id: "el7", label: "RHEL / CentOS 7", kernels: 1 },
      { id: "debian", label: "Debian", kernels: 2 },
    ]);
    expect(wire.failures).toEqual([[0, 9]]);
    expect(wire.blocklisted).toEqual([[3, 0]]);
  });

  it("makes one grid of 6,000 kernels x 4 module versions x 2 flavours, well under 1 MB gzipped", () => {
    const input = scaleCoverageInput();
    const wire = encodeCoverage(buildCoverage(input));
    expect(wire.kernels).toHaveLength(SCALE_KERNELS);
    expect(wire.moduleVersions).toEqual([...SCALE_MODULE_VERSIONS]);
    expect(wire.cells).toHaveLength(SCALE_KERNELS * SCALE_MODULE_VERSIONS.length * 2);
    expect(wire.kernels.map((k) => k.name)).toEqual(sortKernels(new Set(input.drivers.map((d) => d.kernel))));
    // Every failed module build is a failed cell with its log, and nothing else failed.
    const failing = Array.from({ length: SCALE_KERNELS }, (_, i) => i).filter(scaleFails);
    expect(wire.counts.failed).toBe(failing.length * SCALE_MODULE_VERSIONS.length);
    expect(readWireCell(wire, scaleKernel(97), "2.2.0", "mod")).toEqual({ state: "failed", failureId: 97, rule: null });
    expect(readWireCell(wire, scaleKernel(97), "2.2.0", "bpf")).toMatchObject({ state: "unavailable" });
    expect(readWireCell(wire, scaleKernel(1), "2.0.1", "mod")).toMatchObject({ state: "built" });
    expect(readWireCell(wire, scaleKernel(3), "2.3.0", "mod")).toMatchObject({ state: "cached" });
    expect(gzipSync(JSON.stringify(wire)).length).toBeLessThan(1024 * 1024);
  });
});
