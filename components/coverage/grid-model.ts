// The coverage grid on the client: which kernels a filter leaves, the counts
// of what is shown, and exports. Works on the packed wire format as the API
// sends it (one character per cell), without unpacking it into objects.

export type CellState = "built" | "cached" | "failed" | "unavailable" | "blocklisted" | "missing" | "notPlanned";
import type { Flavour } from "@/lib/vocabulary";

export type { Flavour };

export type GridData = {
  kernels: { name: string; family: string }[];
  families: { id: string; label: string; kernels: number }[];
  moduleVersions: string[];
  /** One character per cell: cells[(k * moduleVersions.length + m) * 2 + f]. */
  cells: string;
  states: Record<string, CellState>;
  failures: [number, number][];
  blocklistRules: { file: string | null; line: number | null; text: string | null }[];
  blocklisted: [number, number][];
};

export type GridFilter = {
  families: string[];
  majors: string[];
  states: CellState[];
  moduleVersions: string[];
  flavours: Flavour[];
  /** Part of a kernel id, or a whole `uname -r`. */
  search: string;
};

export const EMPTY_FILTER: GridFilter = { families: [], majors: [], states: [], moduleVersions: [], flavours: [], search: "" };

export const STATE_ORDER: CellState[] = ["built", "cached", "failed", "unavailable", "blocklisted", "missing", "notPlanned"];

export const cellAt = (data: Pick<GridData, "moduleVersions">, k: number, m: number, f: 0 | 1) => (k * data.moduleVersions.length + m) * 2 + f;

export const kernelMajor = (kernel: string) => /^(\d+)/.exec(kernel)?.[1] ?? "?";

/** Which module versions and flavours a filter shows (all when it names none). */
export function visibleColumns(data: Pick<GridData, "moduleVersions">, filter: GridFilter) {
  const versions = data.moduleVersions.map((v, m) => ({ v, m })).filter(({ v }) => filter.moduleVersions.length === 0 || filter.moduleVersions.includes(v));
  const flavours = ([0, 1] as const).filter((f) => filter.flavours.length === 0 || filter.flavours.includes(f === 0 ? "mod" : "bpf"));
  return { versions, flavours };
}

/**
 * The kernels a filter leaves, as indexes in display order. A `uname -r`
 * that names a kernel exactly leaves that kernel alone; otherwise the search
 * matches part of the id. A state filter keeps kernels with at least one
 * shown cell in one of the states.
 */
export function filterKernels(data: GridData, filter: GridFilter): number[] {
  const search = filter.search.trim().toLowerCase();
  const exact = search ? data.kernels.findIndex((k) => k.name.toLowerCase() === search) : -1;
  const { versions, flavours } = visibleColumns(data, filter);
  const wanted = new Set(filter.states.map((s) => codeOf(data, s)));
  const out: number[] = [];
  for (let k = 0; k < data.kernels.length; k++) {
    const kernel = data.kernels[k]!;
    if (exact >= 0 ? k !== exact : search && !kernel.name.toLowerCase().includes(search)) continue;
    if (filter.families.length && !filter.families.includes(kernel.family)) continue;
    if (filter.majors.length && !filter.majors.includes(kernelMajor(kernel.name))) continue;
    if (wanted.size) {
      let hit = false;
      for (const { m } of versions) for (const f of flavours) if (wanted.has(data.cells[cellAt(data, k, m, f)]!)) hit = true;
      if (!hit) continue;
    }
    out.push(k);
  }
  return out;
}

function codeOf(data: Pick<GridData, "states">, state: CellState): string {
  return Object.entries(data.states).find(([, s]) => s === state)?.[0] ?? "";
}

export type ColumnSummary = {
  moduleVersion: string;
  flavour: Flavour;
  counts: Record<CellState, number>;
  /** Built or taken from the cache. */
  withDriver: number;
  kernels: number;
  /** The cells that could have a driver: the kernels less the blocklisted, unavailable and not planned ones. */
  counted: number;
};

/**
 * The coverage rule: drivers (built or cached) out of the cells that could
 * have one. Blocklisted cells were left out on purpose, unavailable ones
 * cannot have an eBPF probe (the marker says so) and not planned ones were
 * never the build's work; failed and missing cells count against it. Null
 * when no cell is counted.
 */
export function coveragePercent(column: Pick<ColumnSummary, "withDriver" | "counted">): number | null {
  return column.counted > 0 ? Math.floor((100 * column.withDriver) / column.counted) : null;
}

export const COVERAGE_RULE = "Coverage is the cells with a driver (built or cached) out of the cells that could have one: blocklisted, unavailable and not planned cells are left out of the total; failed and missing ones count against it.";

/** Counts per state of the shown cells, per module version and flavour, and in total. */
export function summarize(data: GridData, kernels: readonly number[], filter: GridFilter) {
  const { versions, flavours } = visibleColumns(data, filter);
  const total = emptyCounts();
  const columns: ColumnSummary[] = [];
  for (const { v, m } of versions) {
    for (const f of flavours) {
      const counts = emptyCounts();
      for (const k of kernels) counts[data.states[data.cells[cellAt(data, k, m, f)]!]!]++;
      for (const s of STATE_ORDER) total[s] += counts[s];
      columns.push({
        moduleVersion: v,
        flavour: f === 0 ? "mod" : "bpf",
        counts,
        withDriver: counts.built + counts.cached,
        kernels: kernels.length,
        counted: kernels.length - counts.blocklisted - counts.unavailable - counts.notPlanned,
      });
    }
  }
  return { total, columns };
}

export function emptyCounts(): Record<CellState, number> {
  return { built: 0, cached: 0, failed: 0, unavailable: 0, blocklisted: 0, missing: 0, notPlanned: 0 };
}

export type CellDetail = { kernel: string; family: string; moduleVersion: string; flavour: Flavour; state: CellState; failureId: number | null; rule: { file: string | null; line: number | null; text: string | null } | null };

/** Lookups of the side tables by cell, made once per data set. */
export function indexSideTables(data: GridData) {
  return { failures: new Map(data.failures), rules: new Map(data.blocklisted) };
}

export function cellDetail(data: GridData, side: ReturnType<typeof indexSideTables>, k: number, m: number, f: 0 | 1): CellDetail {
  const cell = cellAt(data, k, m, f);
  const rule = side.rules.get(cell);
  return {
    kernel: data.kernels[k]!.name,
    family: data.kernels[k]!.family,
    moduleVersion: data.moduleVersions[m]!,
    flavour: f === 0 ? "mod" : "bpf",
    state: data.states[data.cells[cell]!]!,
    failureId: side.failures.get(cell) ?? null,
    rule: rule === undefined ? null : data.blocklistRules[rule]!,
  };
}

/** Every shown cell as one record, for the CSV and JSON exports. */
export function exportRows(data: GridData, kernels: readonly number[], filter: GridFilter): CellDetail[] {
  const side = indexSideTables(data);
  const { versions, flavours } = visibleColumns(data, filter);
  const wanted = new Set(filter.states);
  const rows: CellDetail[] = [];
  for (const k of kernels) for (const { m } of versions) for (const f of flavours) {
    const detail = cellDetail(data, side, k, m, f);
    if (wanted.size === 0 || wanted.has(detail.state)) rows.push(detail);
  }
  return rows;
}

const csvField = (v: string | number | null) => {
  const s = v === null ? "" : String(v);
  // A leading = + - @ would make a spreadsheet run the field as a formula.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function toCsv(rows: readonly CellDetail[]): string {
  const header = "kernel,family,module_version,flavour,state,failure_id,blocklist_file,blocklist_line,blocklist_rule";
  const lines = rows.map((r) => [r.kernel, r.family, r.moduleVersion, r.flavour, r.state, r.failureId, r.rule?.file ?? null, r.rule?.line ?? null, r.rule?.text ?? null].map(csvField).join(","));
  return [header, ...lines].join("\n") + "\n";
}

/** The filter as URL parameters (and back), so a view can be shared. */
export function filterToParams(filter: GridFilter, params = new URLSearchParams()) {
  const list = (key: string, values: readonly string[]) => (values.length ? params.set(key, values.join(",")) : params.delete(key));
  list("family", filter.families);
  list("major", filter.majors);
  list("state", filter.states);
  list("mv", filter.moduleVersions);
  list("flavour", filter.flavours);
  if (filter.search.trim()) params.set("q", filter.search.trim());
  else params.delete("q");
  return params;
}

export function filterFromParams(params: URLSearchParams): GridFilter {
  const list = (key: string) => (params.get(key) ?? "").split(",").map((s) => s.trim()).filter(Boolean).slice(0, 100);
  return {
    families: list("family"),
    majors: list("major"),
    states: list("state").filter((s): s is CellState => (STATE_ORDER as string[]).includes(s)),
    moduleVersions: list("mv"),
    flavours: list("flavour").filter((f): f is Flavour => f === "mod" || f === "bpf"),
    search: (params.get("q") ?? "").slice(0, 200),
  };
}

/** A grid as GET /api/builds/:id/coverage (or an image's) answers it: the cells and their counts per state. */
export type CoverageGridData = GridData & { counts: Record<CellState, number> };
