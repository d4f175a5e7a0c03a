// The coverage grid as the API sends it: small enough for 6,000 kernels x 4
// module versions x 2 flavours (48,000 cells) to stay well under 1 MB
// gzipped. Cells are one string with one character per cell, two per kernel
// and module version (mod, then bpf):
//
//   cells[(k * moduleVersions.length + m) * 2 + f]   k: kernels index, m: moduleVersions index, f: 0 mod, 1 bpf
//
// Side tables give what a cell needs beyond its state: the failure log of a
// failed cell (`failures`: [cell, failure id] pairs) and the BLOCKLIST rule of
// a blocklisted cell (`blocklisted`: [cell, index into blocklistRules] pairs).

import { CELL_STATES, countCells, type CellState, type Coverage } from "./coverage-model";
import { KERNEL_FAMILIES } from "./kernel-family";
import { type Flavour } from "@/lib/vocabulary";

/** One character per state. */
export const CELL_CODES: Record<CellState, string> = {
  built: "B",
  cached: "C",
  failed: "F",
  unavailable: "U",
  blocklisted: "X",
  missing: "M",
  notPlanned: ".",
};

const CODE_OF_STATE = CELL_STATES.map((s) => CELL_CODES[s].charCodeAt(0));

/** The cells as one string (plain JavaScript: the same code can run in a browser). */
function cellString(cells: Uint8Array): string {
  const codes = new Uint16Array(cells.length);
  for (let i = 0; i < cells.length; i++) codes[i] = CODE_OF_STATE[cells[i]!]!;
  let out = "";
  // fromCharCode takes arguments: a chunk at a time keeps under the engine's argument limit.
  for (let i = 0; i < codes.length; i += 8192) out += String.fromCharCode(...codes.subarray(i, i + 8192));
  return out;
}

export function encodeCoverage(coverage: Coverage) {
  const present = new Map<string, number>();
  for (const k of coverage.kernels) present.set(k.family, (present.get(k.family) ?? 0) + 1);
  const { total, perModuleVersion } = countCells(coverage);
  return {
    flavours: ["mod", "bpf"] as const,
    /** What each character of `cells` means. */
    states: Object.fromEntries(CELL_STATES.map((s) => [CELL_CODES[s], s])) as Record<string, CellState>,
    kernels: coverage.kernels,
    /** The families of the listed kernels, in display order, with how many kernels each has. */
    families: KERNEL_FAMILIES.filter((f) => present.has(f.id)).map((f) => ({ ...f, kernels: present.get(f.id)! })),
    moduleVersions: coverage.moduleVersions,
    cells: cellString(coverage.cells),
    counts: total,
    perModuleVersion,
    failures: [...coverage.failureIds].sort((a, b) => a[0] - b[0]),
    blocklistRules: coverage.rules,
    blocklisted: [...coverage.ruleOfCell].sort((a, b) => a[0] - b[0]),
  };
}

export type CoverageWire = ReturnType<typeof encodeCoverage>;

/** What a client does to read one cell: its state, failure id and rule. */
export function readWireCell(wire: Pick<CoverageWire, "kernels" | "moduleVersions" | "cells" | "states" | "failures" | "blocklisted" | "blocklistRules">, kernel: string, moduleVersion: string, flavour: Flavour) {
  const k = wire.kernels.findIndex((x) => x.name === kernel);
  const m = wire.moduleVersions.indexOf(moduleVersion);
  if (k < 0 || m < 0) return null;
  const cell = (k * wire.moduleVersions.length + m) * 2 + (flavour === "bpf" ? 1 : 0);
  const rule = wire.blocklisted.find(([c]) => c === cell);
  return {
    state: wire.states[wire.cells[cell]!]!,
    failureId: wire.failures.find(([c]) => c === cell)?.[1] ?? null,
    rule: rule ? wire.blocklistRules[rule[1]]! : null,
  };
}
