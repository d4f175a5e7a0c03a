import { describe, expect, it } from "vitest";
import { changeKind, compareCoverage, pairModuleVersions } from "./compare-coverage";
import { buildCoverage, CELL_STATES, type DriverFact, type FailureFact, type TaskFact } from "./coverage-model";

const K310 = "3.10.0-1160.el7.x86_64";
const K55 = "6.1.0-55-amd64";
const K56 = "6.1.0-56-amd64";
const KCLOUD = "6.1.0-56-cloud-amd64";
const K612 = "6.12.117+deb12-amd64";
const REAL = [K55, K56, KCLOUD, K612];

// The sample build of a branch: every real kernel builds its module; the probe
// builds where `bpfBuilds` says; 3.10 fails its module and has a marker.
function sampleBuild(moduleVersion: string, bpfBuilds: (kernel: string) => boolean, firstFailureId: number) {
  const tasks: TaskFact[] = [];
  const drivers: DriverFact[] = [];
  const failures: FailureFact[] = [];
  let id = firstFailureId;
  for (const kernel of [K310, ...REAL]) {
    tasks.push({ kernel, moduleVersion, flavour: "mod", state: kernel === K310 ? "failed" : "built" });
    tasks.push({ kernel, moduleVersion, flavour: "bpf", state: kernel === K310 ? "unavailable" : bpfBuilds(kernel) ? "built" : "failed" });
  }
  for (const kernel of REAL) {
    drivers.push({ kernel, moduleVersion, flavour: "mod", kind: "driver" });
    if (bpfBuilds(kernel)) drivers.push({ kernel, moduleVersion, flavour: "bpf", kind: "driver" });
    else failures.push({ id: id++, kernel, moduleVersion, flavour: "bpf" });
  }
  drivers.push({ kernel: K310, moduleVersion, flavour: "bpf", kind: "marker" });
  failures.push({ id: id++, kernel: K310, moduleVersion, flavour: "mod" });
  return buildCoverage({ tasks, hasImage: true, drivers, failures });
}

describe("compareCoverage", () => {
  const master = sampleBuild("2.2.0", () => true, 1);
  const ringbuf = sampleBuild("2.3.0", (k) => k === K612, 10);

  it("shows exactly the cells that changed between master and bpf-ringbuf: the 6.1 probes", () => {
    const result = compareCoverage(master, ringbuf);
    expect(result.moduleVersions).toEqual([{ from: "2.2.0", to: "2.3.0" }]);
    expect(result.changes.map((c) => `${c.kind} ${c.kernel} ${c.flavour} ${c.from}->${c.to}`)).toEqual([
      `regression ${K55} bpf built->failed`,
      `regression ${K56} bpf built->failed`,
      `regression ${KCLOUD} bpf built->failed`,
    ]);
    expect(result.changes[0]).toMatchObject({ fromModuleVersion: "2.2.0", toModuleVersion: "2.3.0", family: "debian", failureId: 10 });
    expect(result.counts).toEqual({ regressions: 3, fixes: 0, changes: 0, unchanged: 7 });
  });

  it("shows the same cells as fixes the other way round", () => {
    const result = compareCoverage(ringbuf, master);
    expect(result.changes.map((c) => `${c.kind} ${c.kernel} ${c.from}->${c.to}`)).toEqual([`fix ${K55} failed->built`, `fix ${K56} failed->built`, `fix ${KCLOUD} failed->built`]);
    expect(result.changes.every((c) => c.failureId === null)).toBe(true);
  });

  it("is empty for a coverage compared with itself", () => {
    expect(compareCoverage(master, master)).toEqual({ moduleVersions: [{ from: "2.2.0", to: "2.2.0" }], counts: { regressions: 0, fixes: 0, changes: 0, unchanged: 10 }, changes: [] });
  });

  it("puts regressions before fixes before changes, and carries the blocklist rule", () => {
    const from = buildCoverage({
      tasks: [
        { kernel: K55, moduleVersion: "2.2.0", flavour: "mod", state: "built" },
        { kernel: K56, moduleVersion: "2.2.0", flavour: "mod", state: "failed" },
        { kernel: KCLOUD, moduleVersion: "2.2.0", flavour: "mod", state: "built" },
        { kernel: K612, moduleVersion: "2.2.0", flavour: "mod", state: "built" },
      ],
      hasImage: true,
      drivers: [K55, KCLOUD, K612].map((kernel) => ({ kernel, moduleVersion: "2.2.0", flavour: "mod", kind: "driver" }) as const),
      failures: [{ id: 1, kernel: K56, moduleVersion: "2.2.0", flavour: "mod" }],
    });
    const to = buildCoverage({
      tasks: [
        { kernel: K55, moduleVersion: "2.2.0", flavour: "mod", state: "cached" },
        { kernel: K56, moduleVersion: "2.2.0", flavour: "mod", state: "built" },
        { kernel: KCLOUD, moduleVersion: "2.2.0", flavour: "mod", state: "blocklisted", blocklistFile: "kernel-modules/BLOCKLIST", blocklistLine: 4, blocklistRule: "*-cloud-amd64" },
        { kernel: K612, moduleVersion: "2.2.0", flavour: "mod", state: "planned" },
      ],
      hasImage: true,
      drivers: [K55, K56].map((kernel) => ({ kernel, moduleVersion: "2.2.0", flavour: "mod", kind: "driver" }) as const),
      failures: [],
    });
    const result = compareCoverage(from, to);
    expect(result.changes.map((c) => `${c.kind} ${c.kernel} ${c.from}->${c.to}`)).toEqual([
      `regression ${KCLOUD} built->blocklisted`,
      `regression ${K612} built->missing`,
      `fix ${K56} failed->built`,
      `change ${K55} built->cached`,
    ]);
    expect(result.changes[0]!.rule).toEqual({ file: "kernel-modules/BLOCKLIST", line: 4, text: "*-cloud-amd64" });
  });

  it("compares a kernel only one side has with notPlanned", () => {
    const one = buildCoverage({ tasks: null, hasImage: true, drivers: [{ kernel: K55, moduleVersion: "2.2.0", flavour: "mod", kind: "driver" }], failures: [] });
    const two = buildCoverage({ tasks: null, hasImage: true, drivers: [{ kernel: K56, moduleVersion: "2.2.0", flavour: "mod", kind: "driver" }], failures: [] });
    expect(compareCoverage(one, two).changes.map((c) => `${c.kind} ${c.kernel} ${c.from}->${c.to}`)).toEqual([`regression ${K55} built->notPlanned`, `fix ${K56} notPlanned->built`]);
  });
});

describe("pairModuleVersions", () => {
  it("pairs equal names, and the one left on each side with each other", () => {
    expect(pairModuleVersions(["2.0.0", "2.1.0", "2.2.0"], ["2.1.0", "2.0.0", "2.3.0"])).toEqual([
      { from: "2.0.0", to: "2.0.0" },
      { from: "2.1.0", to: "2.1.0" },
      { from: "2.2.0", to: "2.3.0" },
    ]);
  });

  it("leaves versions unpaired when more than one on a side has no partner", () => {
    expect(pairModuleVersions(["2.0.0", "2.1.0"], ["2.3.0"])).toEqual([
      { from: "2.0.0", to: null },
      { from: "2.1.0", to: null },
      { from: null, to: "2.3.0" },
    ]);
  });
});

describe("changeKind", () => {
  it("ranks every pair of states", () => {
    const good = ["built", "cached"];
    const bad = ["failed", "missing"];
    for (const from of CELL_STATES) {
      for (const to of CELL_STATES) {
        if (from === to) continue;
        const kind = changeKind(from, to);
        if (good.includes(from) && !good.includes(to)) expect(kind, `${from}->${to}`).toBe("regression");
        if (bad.includes(from) && good.includes(to)) expect(kind, `${from}->${to}`).toBe("fix");
        if (!bad.includes(from) && bad.includes(to)) expect(kind, `${from}->${to}`).toBe("regression");
      }
    }
    expect(changeKind("built", "cached")).toBe("change");
    expect(changeKind("failed", "missing")).toBe("change");
    expect(changeKind("unavailable", "blocklisted")).toBe("change");
  });
});
