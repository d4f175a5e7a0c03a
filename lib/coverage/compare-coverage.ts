// What changed between two coverages (two builds, a build and an image...):
// only the cells whose state differs, regressions first, then fixes, then
// other changes.
//
// States rank good (built, cached), neutral (unavailable, blocklisted,
// notPlanned) and bad (failed, missing). A cell that moves down is a
// regression (built -> failed, cached -> missing, built -> unavailable or gone),
// one that moves up is a fix (failed -> built, notPlanned -> built), and
// a move within a rank is a change (built -> cached, failed -> missing).
//
// Module versions are paired by name. Two builds of different branches each
// build their own module version (master 2.2.0, bpf-ringbuf 2.3.0): when
// exactly one module version of each side has no partner, those two are
// compared with each other. Other versions without a partner compare with
// notPlanned.

import type { Flavour } from "@/lib/docker/image/parse-driver-path";
import { compareVersions } from "@/lib/workspace/compare-versions";
import { cellIndex, CELL_STATES, type CellState, type Coverage } from "./coverage-model";
import type { KernelFamilyId } from "./kernel-family";
import { sortKernels } from "./kernel-order";

export type ChangeKind = "regression" | "fix" | "change";

export type CellChange = {
  kernel: string;
  family: KernelFamilyId;
  flavour: Flavour;
  fromModuleVersion: string | null;
  toModuleVersion: string | null;
  from: CellState;
  to: CellState;
  kind: ChangeKind;
  /** The `to` side's failure, when it failed with a log. */
  failureId: number | null;
  /** The `to` side's BLOCKLIST rule, when it is blocklisted. */
  rule: { file: string | null; line: number | null; text: string | null } | null;
};

export type ModuleVersionPair = { from: string | null; to: string | null };

const RANK: Record<CellState, number> = { built: 2, cached: 2, unavailable: 1, blocklisted: 1, notPlanned: 1, failed: 0, missing: 0 };
const KIND_ORDER: Record<ChangeKind, number> = { regression: 0, fix: 1, change: 2 };

export function pairModuleVersions(from: readonly string[], to: readonly string[]): ModuleVersionPair[] {
  const pairs: ModuleVersionPair[] = [];
  const toSet = new Set(to);
  const fromSet = new Set(from);
  for (const v of from) if (toSet.has(v)) pairs.push({ from: v, to: v });
  const fromOnly = from.filter((v) => !toSet.has(v));
  const toOnly = to.filter((v) => !fromSet.has(v));
  if (fromOnly.length === 1 && toOnly.length === 1) pairs.push({ from: fromOnly[0]!, to: toOnly[0]! });
  else {
    for (const v of fromOnly) pairs.push({ from: v, to: null });
    for (const v of toOnly) pairs.push({ from: null, to: v });
  }
  return pairs.sort((a, b) => compareVersions(a.to ?? a.from!, b.to ?? b.from!));
}

export function changeKind(from: CellState, to: CellState): ChangeKind {
  return RANK[to] < RANK[from] ? "regression" : RANK[to] > RANK[from] ? "fix" : "change";
}

export function compareCoverage(from: Coverage, to: Coverage) {
  const pairs = pairModuleVersions(from.moduleVersions, to.moduleVersions);
  const kernels = sortKernels(new Set([...from.kernels.map((k) => k.name), ...to.kernels.map((k) => k.name)]));
  const fromKernel = new Map(from.kernels.map((k, i) => [k.name, i]));
  const toKernel = new Map(to.kernels.map((k, i) => [k.name, i]));
  const family = new Map([...from.kernels, ...to.kernels].map((k) => [k.name, k.family]));
  const fromVersion = new Map(from.moduleVersions.map((v, i) => [v, i]));
  const toVersion = new Map(to.moduleVersions.map((v, i) => [v, i]));

  const stateIn = (c: Coverage, k: number | undefined, m: number | undefined, f: 0 | 1) =>
    k === undefined || m === undefined ? { state: "notPlanned" as CellState, cell: -1 } : { state: CELL_STATES[c.cells[cellIndex(c.moduleVersions.length, k, m, f)]!]!, cell: cellIndex(c.moduleVersions.length, k, m, f) };

  const changes: CellChange[] = [];
  let unchanged = 0;
  for (const kernel of kernels) {
    const fk = fromKernel.get(kernel);
    const tk = toKernel.get(kernel);
    for (const pair of pairs) {
      const fm = pair.from === null ? undefined : fromVersion.get(pair.from);
      const tm = pair.to === null ? undefined : toVersion.get(pair.to);
      for (const f of [0, 1] as const) {
        const a = stateIn(from, fk, fm, f);
        const b = stateIn(to, tk, tm, f);
        if (a.state === b.state) {
          unchanged++;
          continue;
        }
        const rule = b.state === "blocklisted" ? to.ruleOfCell.get(b.cell) : undefined;
        changes.push({
          kernel,
          family: family.get(kernel)!,
          flavour: f ? "bpf" : "mod",
          fromModuleVersion: pair.from,
          toModuleVersion: pair.to,
          from: a.state,
          to: b.state,
          kind: changeKind(a.state, b.state),
          failureId: b.state === "failed" ? (to.failureIds.get(b.cell) ?? null) : null,
          rule: rule === undefined ? null : to.rules[rule]!,
        });
      }
    }
  }
  // Stable: within a kind, the kernel order of the loop above stays.
  changes.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  const counts = { regressions: 0, fixes: 0, changes: 0, unchanged };
  for (const c of changes) counts[c.kind === "regression" ? "regressions" : c.kind === "fix" ? "fixes" : "changes"]++;
  return { moduleVersions: pairs, counts, changes };
}

export type CoverageComparison = ReturnType<typeof compareCoverage>;
