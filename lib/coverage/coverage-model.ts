// The coverage grid of an image or a build: every kernel x module version x
// flavour gets exactly one state.
//
//   built        the driver is in the image (for a build: this build made it)
//   cached       the driver is in the build's image but came from its cache image
//   failed       a failure log says the task failed
//   unavailable  an unavailability marker: no eBPF probe for that kernel or version
//   blocklisted  a BLOCKLIST rule removed the task (the rule is kept)
//   missing      the build planned the task but it has neither a driver nor a
//                failure (still to run, cancelled, or lost)
//   notPlanned   nothing: no task, no file
//
// What the image holds decides first, then the build's tasks. A driver wins
// over a failure log for the same task: a merged image keeps an older driver
// next to a newer failure, and users get that driver. A marker the cache
// brought is `unavailable`, not `cached`: no driver came from anywhere.

import { FLAVOURS, type Flavour } from "@/lib/vocabulary";
import { compareVersions } from "@/lib/workspace/compare-versions";
import { kernelFamily, type KernelFamilyId } from "./kernel-family";
import { sortKernels } from "./kernel-order";

export const CELL_STATES = ["built", "cached", "failed", "unavailable", "blocklisted", "missing", "notPlanned"] as const;
export type CellState = (typeof CELL_STATES)[number];

export { FLAVOURS };

export type TaskState = "planned" | "running" | "built" | "failed" | "unavailable" | "cached" | "blocklisted";

export type TaskFact = {
  kernel: string;
  moduleVersion: string;
  flavour: Flavour;
  state: TaskState;
  blocklistFile?: string | null;
  blocklistLine?: number | null;
  blocklistRule?: string | null;
};
export type DriverFact = { kernel: string; moduleVersion: string; flavour: Flavour; kind: "driver" | "marker" };
export type FailureFact = { id: number; kernel: string; moduleVersion: string; flavour: Flavour };

export type CoverageInput = {
  /** A build's tasks; null for an image on its own. */
  tasks: readonly TaskFact[] | null;
  /** Whether `drivers` and `failures` come from an image (a build may not have one yet). */
  hasImage: boolean;
  drivers: readonly DriverFact[];
  failures: readonly FailureFact[];
  /** Kernels to show even without a task or a file, e.g. the bundles a build was given. */
  kernels?: readonly string[];
  /** BUNDLE_DISTRO by kernel, for the kernels kobuild has a bundle of. */
  distros?: ReadonlyMap<string, string>;
};

/** The rule that removed a task: its BLOCKLIST file (relative to the checkout; null when not known), line and patterns. */
export type BlocklistRuleRef = { file: string | null; line: number | null; text: string | null };

export type Coverage = {
  kernels: { name: string; family: KernelFamilyId }[];
  moduleVersions: string[];
  /** Index into CELL_STATES per cell; see cellIndex. */
  cells: Uint8Array;
  /** Failure id by cell, for failed cells that have a log. */
  failureIds: Map<number, number>;
  rules: BlocklistRuleRef[];
  /** Index into `rules` by cell, for blocklisted cells whose rule is known. */
  ruleOfCell: Map<number, number>;
};

const STATE_INDEX = Object.fromEntries(CELL_STATES.map((s, i) => [s, i])) as Record<CellState, number>;
const FLAVOUR_INDEX: Record<Flavour, number> = { mod: 0, bpf: 1 };

/** Cells are stored kernel by kernel, then module version, then flavour (mod, bpf). */
export function cellIndex(moduleVersionCount: number, kernel: number, moduleVersion: number, flavour: Flavour | 0 | 1): number {
  const f = typeof flavour === "number" ? flavour : FLAVOUR_INDEX[flavour];
  return (kernel * moduleVersionCount + moduleVersion) * 2 + f;
}

export function cellState(coverage: Coverage, cell: number): CellState {
  return CELL_STATES[coverage.cells[cell]!]!;
}

/** The state of one task's cell, or notPlanned for a kernel or module version the coverage does not list. */
export function stateOf(coverage: Coverage, kernel: string, moduleVersion: string, flavour: Flavour): CellState {
  const k = coverage.kernels.findIndex((x) => x.name === kernel);
  const m = coverage.moduleVersions.indexOf(moduleVersion);
  if (k < 0 || m < 0) return "notPlanned";
  return cellState(coverage, cellIndex(coverage.moduleVersions.length, k, m, flavour));
}

export function buildCoverage(input: CoverageInput): Coverage {
  const kernelNames = new Set<string>(input.kernels ?? []);
  const versionNames = new Set<string>();
  const note = (f: { kernel: string; moduleVersion: string }) => {
    kernelNames.add(f.kernel);
    versionNames.add(f.moduleVersion);
  };
  for (const t of input.tasks ?? []) note(t);
  for (const d of input.drivers) note(d);
  for (const f of input.failures) note(f);

  const kernels = sortKernels(kernelNames).map((name) => ({ name, family: kernelFamily(name, input.distros?.get(name)) }));
  const moduleVersions = [...versionNames].sort(compareVersions);
  const kernelAt = new Map(kernels.map((k, i) => [k.name, i]));
  const versionAt = new Map(moduleVersions.map((v, i) => [v, i]));
  const M = moduleVersions.length;
  const at = (f: { kernel: string; moduleVersion: string; flavour: Flavour }) => cellIndex(M, kernelAt.get(f.kernel)!, versionAt.get(f.moduleVersion)!, f.flavour);

  const size = kernels.length * M * 2;
  // What the image holds: 0 nothing, 1 marker, 2 driver.
  const file = new Uint8Array(size);
  for (const d of input.drivers) {
    const i = at(d);
    file[i] = Math.max(file[i]!, d.kind === "driver" ? 2 : 1);
  }
  const failureIds = new Map<number, number>();
  for (const f of input.failures) failureIds.set(at(f), f.id);
  // The task's state per cell, 0 for no task (typed arrays: a full build has ~50,000 tasks).
  const taskState = new Uint8Array(size);
  const blocklistedTasks = new Map<number, TaskFact>();
  for (const t of input.tasks ?? []) {
    const i = at(t);
    taskState[i] = TASK_STATE_CODE[t.state];
    if (t.state === "blocklisted") blocklistedTasks.set(i, t);
    else blocklistedTasks.delete(i);
  }

  const rules: BlocklistRuleRef[] = [];
  const ruleIndex = new Map<string, number>();
  const ruleOfCell = new Map<number, number>();
  const cells = new Uint8Array(size).fill(STATE_INDEX.notPlanned);
  const isBuild = input.tasks !== null;
  const hasImage = input.hasImage;

  for (let i = 0; i < size; i++) {
    const task = taskState[i]!;
    let state: CellState;
    if (file[i] === 2) state = isBuild && (task === 0 || task === CACHED) ? "cached" : "built";
    // A failure log beside the build's own "blocklisted" is an earlier build's, carried in by a merge (a re-run after a BLOCKLIST fix).
    else if (failureIds.has(i) && !(isBuild && task === BLOCKLISTED)) state = "failed";
    else if (file[i] === 1) state = "unavailable";
    else if (task === 0) state = "notPlanned";
    else state = stateOfTask(TASK_STATES[task - 1]!, hasImage);
    cells[i] = STATE_INDEX[state];
    if (state !== "failed" && failureIds.has(i)) failureIds.delete(i);
    if (state === "blocklisted") {
      const t = blocklistedTasks.get(i);
      if (t && (t.blocklistLine != null || t.blocklistRule != null)) {
        const key = `${t.blocklistFile ?? ""} ${t.blocklistLine ?? ""} ${t.blocklistRule ?? ""}`;
        let r = ruleIndex.get(key);
        if (r === undefined) {
          r = rules.push({ file: t.blocklistFile ?? null, line: t.blocklistLine ?? null, text: t.blocklistRule ?? null }) - 1;
          ruleIndex.set(key, r);
        }
        ruleOfCell.set(i, r);
      }
    }
  }
  return { kernels, moduleVersions, cells, failureIds, rules, ruleOfCell };
}

const TASK_STATES = ["planned", "running", "built", "failed", "unavailable", "cached", "blocklisted"] as const satisfies readonly TaskState[];
const TASK_STATE_CODE = Object.fromEntries(TASK_STATES.map((s, i) => [s, i + 1])) as Record<TaskState, number>;
const CACHED = TASK_STATE_CODE.cached;
const BLOCKLISTED = TASK_STATE_CODE.blocklisted;

/** A task the image says nothing about. */
function stateOfTask(state: TaskState, hasImage: boolean): CellState {
  switch (state) {
    case "blocklisted":
      return "blocklisted";
    case "cached":
      // Before the image exists, the cache's copy is still what the build will hold.
      return "cached";
    case "failed":
      return "failed";
    case "built":
    case "unavailable":
      // Reported done, yet not in the image: lost. Without an image (a cancelled
      // build, a build up to a stage) the builder's word is all there is.
      return hasImage ? "missing" : state;
    case "planned":
    case "running":
      return "missing";
  }
}

export type CoverageCounts = Record<CellState, number>;

export function emptyCounts(): CoverageCounts {
  return Object.fromEntries(CELL_STATES.map((s) => [s, 0])) as CoverageCounts;
}

/** Cells per state, in all and per module version and flavour. */
export function countCells(coverage: Coverage) {
  const M = coverage.moduleVersions.length;
  const total = emptyCounts();
  const perModuleVersion = coverage.moduleVersions.map((moduleVersion) => ({ moduleVersion, mod: emptyCounts(), bpf: emptyCounts() }));
  for (let i = 0; i < coverage.cells.length; i++) {
    const state = CELL_STATES[coverage.cells[i]!]!;
    total[state]++;
    perModuleVersion[(i >> 1) % M]![i & 1 ? "bpf" : "mod"][state]++;
  }
  return { total, perModuleVersion };
}
