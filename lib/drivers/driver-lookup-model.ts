// "Node X runs kernel Y: is there a driver for it, and if not, why?" answered
// from one driver image's coverage (lib/coverage) and the files kobuild read
// in it, for one release or a whole fleet's. Pure: the loader (lookup-drivers.ts)
// reads the rows once; every line is then map reads.

import { cellIndex, cellState, type BlocklistRuleRef, type Coverage } from "@/lib/coverage/coverage-model";
import { FLAVOURS, type Flavour } from "@/lib/vocabulary";
import { indexReleases } from "./kernel-release";

/** A cell's answer. `missing`: the image holds nothing for it (never built, or lost). */
export const DRIVER_STATES = ["built", "failed", "unavailable", "blocklisted", "missing"] as const;
export type DriverState = (typeof DRIVER_STATES)[number];

/** A release's verdict: a driver for it, a stored bundle but no driver, or neither a driver nor a stored bundle. */
export const RELEASE_VERDICTS = ["covered", "no-driver", "no-bundle"] as const;
export type ReleaseVerdict = (typeof RELEASE_VERDICTS)[number];

export type DriverCell = {
  moduleVersion: string;
  flavour: Flavour;
  state: DriverState;
  /** built: the file and where to download it. */
  driver?: { path: string; size: number; sha256: string | null; download: string };
  /** failed: the failure's signature, its group in the workspace that built the image, and where its log is. */
  failure?: { id: number; signature: string | null; groupId: number | null; log: string };
  /** blocklisted: the BLOCKLIST rule, when the build that made the image recorded it. */
  blocklist?: BlocklistRuleRef | null;
};

export type KernelMatch = {
  /** The kernel id (bundle and driver file name). */
  kernel: string;
  bundle: boolean;
  cells: DriverCell[];
};

export type ReleaseAnswer = {
  /** The release as given. */
  release: string;
  /** How many lines gave it (nodes running it). */
  nodes: number;
  verdict: ReleaseVerdict;
  kernels: KernelMatch[];
  /** no-bundle: the nearest kernels with a stored bundle, by kernel order. */
  nearest: { kernel: string; uname: string }[];
};

export type LookupSummary = {
  /** Lines given (one per node). */
  nodes: number;
  /** Distinct releases. */
  kernels: number;
  coveredNodes: number;
  coveredKernels: number;
  /** Releases without a driver (no-driver and no-bundle), and the nodes running them. */
  kernelsWithoutDriver: number;
  nodesWithoutDriver: number;
  /** Of those, releases without a stored bundle. */
  kernelsWithoutBundle: number;
};

export type DriverFileFact = { path: string; size: number; sha256: string | null };
export type FailureFactDetail = { id: number; signature: string | null };

/** What one image holds, read once for a lookup. */
export type ImageFacts = {
  imageId: number;
  coverage: Coverage;
  /** Driver files (not markers) by the coverage's cell index (cellFinder). */
  files: ReadonlyMap<number, DriverFileFact>;
  /** Failure logs by the coverage's cell index. */
  failures: ReadonlyMap<number, FailureFactDetail>;
  /** Failure group id by signature, in the workspace of the build that made the image. */
  groups: ReadonlyMap<string, number>;
  /** BUNDLE_UNAME of every stored bundle, by kernel id. */
  bundleUnames: ReadonlyMap<string, string>;
};

/** The coverage's cell index of a kernel, module version and flavour; undefined for one it does not list. */
export function cellFinder(coverage: Coverage): (kernel: string, moduleVersion: string, flavour: Flavour) => number | undefined {
  const kernelAt = new Map(coverage.kernels.map((k, i) => [k.name, i]));
  const versionAt = new Map(coverage.moduleVersions.map((v, i) => [v, i]));
  const M = coverage.moduleVersions.length;
  return (kernel, moduleVersion, flavour) => {
    const k = kernelAt.get(kernel);
    const m = versionAt.get(moduleVersion);
    return k === undefined || m === undefined ? undefined : cellIndex(M, k, m, flavour);
  };
}

/** The existing driver download route of one cell. */
export function downloadUrl(imageId: number, kernel: string, moduleVersion: string, flavour: Flavour): string {
  return `/api/images/${imageId}/driver/download?${new URLSearchParams({ kernel, moduleVersion, flavour })}`;
}

/**
 * Answers each distinct release once (in the order first given), counting the
 * lines that gave it. `moduleVersion` narrows the cells to one module version
 * (the caller checks the image has it).
 */
export function lookupReleases(facts: ImageFacts, releases: readonly string[], moduleVersion?: string): ReleaseAnswer[] {
  const nodes = new Map<string, number>();
  for (const r of releases) nodes.set(r, (nodes.get(r) ?? 0) + 1);
  const { coverage } = facts;
  const kernelAt = new Map(coverage.kernels.map((k, i) => [k.name, i]));
  const versions = coverage.moduleVersions
    .map((v, i) => [v, i, { mod: String(new URLSearchParams({ moduleVersion: v, flavour: "mod" })), bpf: String(new URLSearchParams({ moduleVersion: v, flavour: "bpf" })) }] as const)
    .filter(([v]) => moduleVersion === undefined || v === moduleVersion);
  const index = indexReleases(kernelAt.keys(), facts.bundleUnames);
  const M = coverage.moduleVersions.length;

  const cellsOf = (kernel: string): DriverCell[] => {
    const k = kernelAt.get(kernel);
    const cells: DriverCell[] = [];
    // The download route's query, its kernel part encoded once per kernel.
    const base = `/api/images/${facts.imageId}/driver/download?${new URLSearchParams({ kernel })}&`;
    for (const [mv, m, params] of versions) {
      for (const flavour of FLAVOURS) {
        const i = k === undefined ? -1 : cellIndex(M, k, m, flavour);
        cells.push(describeCell(facts, i, mv, flavour, () => base + params[flavour]));
      }
    }
    return cells;
  };

  return [...nodes].map(([release, count]) => {
    const kernels = index.kernelsOf(release).map((kernel) => ({ kernel, bundle: facts.bundleUnames.has(kernel), cells: cellsOf(kernel) }));
    const covered = kernels.some((k) => k.cells.some((c) => c.state === "built"));
    const bundled = kernels.some((k) => k.bundle);
    // Without a stored bundle no build can make the driver, whatever an older image holds.
    const verdict: ReleaseVerdict = covered ? "covered" : bundled ? "no-driver" : "no-bundle";
    return { release, nodes: count, verdict, kernels, nearest: bundled ? [] : index.nearestBundles(release) };
  });
}

function describeCell(facts: ImageFacts, i: number, moduleVersion: string, flavour: Flavour, download: () => string): DriverCell {
  const { coverage } = facts;
  const state = i < 0 ? "notPlanned" : cellState(coverage, i);
  switch (state) {
    case "built":
    case "cached": {
      const file = facts.files.get(i);
      return {
        moduleVersion,
        flavour,
        state: "built",
        driver: file ? { ...file, download: download() } : undefined,
      };
    }
    case "failed": {
      const f = facts.failures.get(i);
      return {
        moduleVersion,
        flavour,
        state: "failed",
        failure: f ? { id: f.id, signature: f.signature, groupId: f.signature ? (facts.groups.get(f.signature) ?? null) : null, log: `/api/failures/${f.id}` } : undefined,
      };
    }
    case "unavailable":
      return { moduleVersion, flavour, state: "unavailable" };
    case "blocklisted": {
      const r = coverage.ruleOfCell.get(i);
      return { moduleVersion, flavour, state: "blocklisted", blocklist: r === undefined ? null : coverage.rules[r]! };
    }
    default:
      return { moduleVersion, flavour, state: "missing" };
  }
}

/** Nodes and releases per verdict. */
export function summarizeLookup(answers: readonly ReleaseAnswer[]): LookupSummary {
  const s: LookupSummary = { nodes: 0, kernels: answers.length, coveredNodes: 0, coveredKernels: 0, kernelsWithoutDriver: 0, nodesWithoutDriver: 0, kernelsWithoutBundle: 0 };
  for (const a of answers) {
    s.nodes += a.nodes;
    if (a.verdict === "covered") {
      s.coveredNodes += a.nodes;
      s.coveredKernels += 1;
    } else {
      s.kernelsWithoutDriver += 1;
      s.nodesWithoutDriver += a.nodes;
      if (a.verdict === "no-bundle") s.kernelsWithoutBundle += 1;
    }
  }
  return s;
}
