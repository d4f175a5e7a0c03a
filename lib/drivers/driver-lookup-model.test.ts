import { describe, expect, it } from "vitest";
import { buildCoverage, type CoverageInput, type DriverFact, type FailureFact, type TaskFact } from "@/lib/coverage/coverage-model";
import { SCALE_KERNELS, SCALE_MODULE_VERSIONS, scaleBlocklisted, scaleCoverageInput, scaleFails, scaleKernel, taskFact } from "@/test/coverage-at-scale";
import { cellFinder, downloadUrl, lookupReleases, summarizeLookup, type DriverFileFact, type FailureFactDetail, type ImageFacts, type ReleaseAnswer } from "./driver-lookup-model";
import { unameOfKernelId } from "./kernel-release";

// The sample's kernels as a build of module version 2.2.0 leaves them: real
// kernels built (module and probe), 3.10 failed for want of headers with no
// eBPF probe (older than 4.14), 6.12's probe removed by a BLOCKLIST rule.
const K310 = "3.10.0-1160.el7.x86_64";
const K56 = "6.1.0-56-amd64";
const KCLOUD = "6.1.0-57-cloud-amd64";
const K612 = "6.12.118+deb12-amd64";
const BACKPORT = "4.15.0-1098-gcp~16.04";
const MV = "2.2.0";
const SIGNATURE = "fatal error: linux/version.h: No such file or directory";
const RULE: [number, string] = [3, "6.12.* 2.2.0 bpf"];

const driver = (kernel: string, flavour: "mod" | "bpf"): DriverFact => ({ kernel, moduleVersion: MV, flavour, kind: "driver" });

/** Facts as the loader reads them from the database, made from the same rows the coverage model takes. */
function factsOf(input: CoverageInput, bundleUnames: Map<string, string>, signature = SIGNATURE): ImageFacts {
  const coverage = buildCoverage(input);
  const cellKey = (kernel: string, moduleVersion: string, flavour: "mod" | "bpf") => cellFinder(coverage)(kernel, moduleVersion, flavour)!;
  const files = new Map<number, DriverFileFact>();
  for (const d of input.drivers) {
    if (d.kind !== "driver") continue;
    const name = d.flavour === "mod" ? `collector-${d.kernel}.ko.gz` : `collector-ebpf-${d.kernel}.o.gz`;
    files.set(cellKey(d.kernel, d.moduleVersion, d.flavour), { path: `/kernel-modules/${d.moduleVersion}/${name}`, size: 4096, sha256: "ab".repeat(32) });
  }
  const failures = new Map<number, FailureFactDetail>(input.failures.map((f) => [cellKey(f.kernel, f.moduleVersion, f.flavour), { id: f.id, signature }]));
  return { imageId: 7, coverage, files, failures, groups: new Map([[signature, 3]]), bundleUnames };
}

describe("lookupReleases on the sample build", () => {
  const failures: FailureFact[] = [{ id: 41, kernel: K310, moduleVersion: MV, flavour: "mod" }];
  const drivers: DriverFact[] = [driver(K56, "mod"), driver(K56, "bpf"), driver(KCLOUD, "mod"), driver(KCLOUD, "bpf"), driver(K612, "mod"), { kernel: K310, moduleVersion: MV, flavour: "bpf", kind: "marker" }];
  const tasks: TaskFact[] = [
    taskFact(K310, MV, "mod", "failed"),
    taskFact(K310, MV, "bpf", "unavailable"),
    taskFact(K56, MV, "mod", "built"),
    taskFact(K56, MV, "bpf", "cached"),
    taskFact(KCLOUD, MV, "mod", "built"),
    taskFact(KCLOUD, MV, "bpf", "built"),
    taskFact(K612, MV, "mod", "built"),
    taskFact(K612, MV, "bpf", "blocklisted", RULE),
  ];
  const bundles = new Map([K310, K56, KCLOUD, K612, BACKPORT].map((k) => [k, unameOfKernelId(k)]));
  const facts = factsOf({ tasks, hasImage: true, drivers, failures }, bundles);
  const answers = lookupReleases(facts, [K56, K56, "4.15.0-1098-gcp", K310, K612, "5.4.0-1055-gcp", K56]);
  const byRelease = new Map(answers.map((a) => [a.release, a]));

  it("answers each distinct release once, counting its nodes, in the order given", () => {
    expect(answers.map((a) => [a.release, a.nodes])).toEqual([
      [K56, 3],
      ["4.15.0-1098-gcp", 1],
      [K310, 1],
      [K612, 1],
      ["5.4.0-1055-gcp", 1],
    ]);
  });

  it("gives a built cell its file and the driver download route (a cached one too)", () => {
    const a = byRelease.get(K56)!;
    expect(a.verdict).toBe("covered");
    expect(a.kernels).toEqual([
      {
        kernel: K56,
        bundle: true,
        cells: [
          { moduleVersion: MV, flavour: "mod", state: "built", driver: { path: `/kernel-modules/${MV}/collector-${K56}.ko.gz`, size: 4096, sha256: "ab".repeat(32), download: downloadUrl(7, K56, MV, "mod") } },
          { moduleVersion: MV, flavour: "bpf", state: "built", driver: { path: `/kernel-modules/${MV}/collector-ebpf-${K56}.o.gz`, size: 4096, sha256: "ab".repeat(32), download: downloadUrl(7, K56, MV, "bpf") } },
        ],
      },
    ]);
    expect(downloadUrl(7, K612, MV, "mod")).toBe("/api/images/7/driver/download?kernel=6.12.118%2Bdeb12-amd64&moduleVersion=2.2.0&flavour=mod");
  });

  it("says why there is no driver: failed with its signature, group and log, unavailable, blocklisted with the rule", () => {
    const old = byRelease.get(K310)!;
    expect(old.verdict).toBe("no-driver");
    expect(old.kernels[0]!.cells).toEqual([
      { moduleVersion: MV, flavour: "mod", state: "failed", failure: { id: 41, signature: SIGNATURE, groupId: 3, log: "/api/failures/41" } },
      { moduleVersion: MV, flavour: "bpf", state: "unavailable" },
    ]);
    const k612 = byRelease.get(K612)!;
    expect(k612.verdict).toBe("covered");
    expect(k612.kernels[0]!.cells[1]).toEqual({ moduleVersion: MV, flavour: "bpf", state: "blocklisted", blocklist: { file: "kernel-modules/dockerized/BLOCKLIST", line: 3, text: RULE[1] } });
  });

  it("matches an Ubuntu backport's uname, and says its bundle was never built into this image", () => {
    const a = byRelease.get("4.15.0-1098-gcp")!;
    expect(a).toMatchObject({ verdict: "no-driver", nearest: [] });
    expect(a.kernels).toEqual([
      {
        kernel: BACKPORT,
        bundle: true,
        cells: [
          { moduleVersion: MV, flavour: "mod", state: "missing" },
          { moduleVersion: MV, flavour: "bpf", state: "missing" },
        ],
      },
    ]);
  });

  it("gives a kernel without a bundle the 3 nearest that have one", () => {
    const a = byRelease.get("5.4.0-1055-gcp")!;
    expect(a.verdict).toBe("no-bundle");
    expect(a.kernels).toEqual([]);
    expect(a.nearest.map((n) => n.kernel)).toEqual([BACKPORT, K56, K310]);
  });

  it("narrows to one module version", () => {
    expect(lookupReleases(facts, [K56], "2.1.0")[0]!.kernels[0]!.cells).toEqual([]);
    expect(lookupReleases(facts, [K56], MV)[0]!.kernels[0]!.cells).toHaveLength(2);
  });

  it("sums nodes and kernels per verdict", () => {
    expect(summarizeLookup(answers)).toEqual({ nodes: 7, kernels: 5, coveredNodes: 4, coveredKernels: 2, kernelsWithoutDriver: 3, nodesWithoutDriver: 3, kernelsWithoutBundle: 1 });
  });
});

describe("lookupReleases at a full build's scale", () => {
  const input = scaleCoverageInput();
  // The bundles of every other kernel are stored; a COS bundle says its uname.
  const bundles = new Map<string, string>();
  for (let i = 0; i < SCALE_KERNELS; i += 2) bundles.set(scaleKernel(i), unameOfKernelId(scaleKernel(i)));
  const facts = factsOf(input, bundles);
  // A fleet of 10,000 nodes: every image kernel's uname, then kernels nobody built.
  const lines = Array.from({ length: 10_000 }, (_, i) => (i < SCALE_KERNELS ? unameOfKernelId(scaleKernel(i)) : `5.4.0-${i}-azure`));
  const answers = lookupReleases(facts, lines);

  it("answers every line from the image's rows", () => {
    expect(answers).toHaveLength(10_000);
    const wrong: string[] = [];
    answers.forEach((a: ReleaseAnswer, i) => {
      if (i >= SCALE_KERNELS) {
        if (a.verdict !== "no-bundle" || a.nearest.length !== 3) wrong.push(`${a.release}: ${a.verdict}`);
        return;
      }
      const kernel = scaleKernel(i);
      const cells = a.kernels.find((k) => k.kernel === kernel)?.cells ?? [];
      expect(cells, kernel).toHaveLength(SCALE_MODULE_VERSIONS.length * 2);
      for (const c of cells) {
        const expected =
          c.flavour === "mod" ? (scaleFails(i) ? "failed" : "built") : kernel.startsWith("3.") ? "unavailable" : "built";
        if (c.state !== expected) wrong.push(`${kernel} ${c.moduleVersion} ${c.flavour}: ${c.state}, not ${expected}`);
      }
      // Every bpf cell has a driver or a marker: a BLOCKLIST rule of the build never wins over the file.
      if (scaleBlocklisted(i) && cells.some((c) => c.state === "blocklisted")) wrong.push(`${kernel}: blocklisted over its file`);
    });
    expect(wrong.slice(0, 10)).toEqual([]);
    const s = summarizeLookup(answers);
    expect(s.nodes).toBe(10_000);
    expect(s.kernelsWithoutBundle).toBeGreaterThanOrEqual(10_000 - SCALE_KERNELS);
    expect(s.coveredKernels + s.kernelsWithoutDriver).toBe(s.kernels);
  });
});
