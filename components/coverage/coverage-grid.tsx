"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useMemo, useRef } from "react";
import { useCoverage } from "@/components/queries";
import { CELL_LOOK } from "./cell-look";
import { CellPanel } from "./cell-panel";
import { type Flavour } from "@/lib/vocabulary";
import {
  cellAt,
  COVERAGE_RULE,
  coveragePercent,
  cellDetail,
  exportRows,
  filterFromParams,
  filterKernels,
  filterToParams,
  indexSideTables,
  kernelMajor,
  STATE_ORDER,
  summarize,
  toCsv,
  visibleColumns,
  type CellState,
  type CoverageGridData,
  type GridFilter,
} from "./grid-model";


type Props = {
  /** The coverage route of the subject, e.g. /api/builds/12/coverage. */
  source: string;
  initial: CoverageGridData;
  /** The image whose files the cells describe, for driver details and downloads. */
  imageId: number | null;
  /** Refresh while the build runs. */
  live: boolean;
  failuresHref: string;
  exportName: string;
};

type Row = { kind: "family"; label: string; count: number } | { kind: "kernel"; k: number };

const ROW_HEIGHT = 28;

export function CoverageGrid({ source, initial, imageId, live, failuresHref, exportName }: Props) {
  const pathname = usePathname();
  const params = useSearchParams();
  const { data } = useCoverage(source, initial, live);
  const filter = useMemo(() => filterFromParams(new URLSearchParams(params.toString())), [params]);
  const setParams = useCallback(
    (change: (p: URLSearchParams) => void) => {
      const next = new URLSearchParams(params.toString());
      change(next);
      // The native history API updates useSearchParams without asking the server for the page again.
      window.history.replaceState(null, "", `${pathname}?${next}`);
    },
    [params, pathname],
  );
  const setFilter = (next: GridFilter) => setParams((p) => filterToParams(next, p));

  const kernels = useMemo(() => filterKernels(data, filter), [data, filter]);
  const summary = useMemo(() => summarize(data, kernels, filter), [data, kernels, filter]);
  const { versions, flavours } = visibleColumns(data, filter);
  const side = useMemo(() => indexSideTables(data), [data]);
  const rows = useMemo(() => {
    const out: Row[] = [];
    let family = "";
    for (const k of kernels) {
      const f = data.kernels[k]!.family;
      if (f !== family) {
        family = f;
        const label = data.families.find((x) => x.id === f)?.label ?? f;
        out.push({ kind: "family", label, count: kernels.filter((i) => data.kernels[i]!.family === f).length });
      }
      out.push({ kind: "kernel", k });
    }
    return out;
  }, [kernels, data]);

  const scroller = useRef<HTMLDivElement>(null);
  // The virtualizer re-renders the grid on scroll by design; nothing memoised depends on it.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 20 });

  // The chosen cell is one URL parameter, `cell=<kernel>/<module version>/<flavour>`: none of them holds a slash.
  const selected = useMemo(() => {
    const [kernel, moduleVersion, flavour] = (params.get("cell") ?? "").split("/");
    const k = data.kernels.findIndex((x) => x.name === kernel);
    const m = data.moduleVersions.indexOf(moduleVersion ?? "");
    const f = flavour === "bpf" ? 1 : flavour === "mod" ? 0 : -1;
    return k >= 0 && m >= 0 && f >= 0 ? cellDetail(data, side, k, m, f as 0 | 1) : null;
  }, [data, side, params]);
  const select = (k: number, m: number, f: 0 | 1) => setParams((p) => p.set("cell", `${data.kernels[k]!.name}/${data.moduleVersions[m]!}/${f === 0 ? "mod" : "bpf"}`));
  const unselect = () => setParams((p) => p.delete("cell"));

  const download = (kind: "csv" | "json") => {
    const rowsOut = exportRows(data, kernels, filter);
    const blob = kind === "csv" ? new Blob([toCsv(rowsOut)], { type: "text/csv" }) : new Blob([JSON.stringify(rowsOut, null, 1)], { type: "application/json" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `${exportName}.${kind}`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };

  const majors = useMemo(() => [...new Set(data.kernels.map((k) => kernelMajor(k.name)))].sort((a, b) => Number(a) - Number(b)), [data]);
  const toggle = <T extends string>(list: T[], value: T) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);
  const columnTemplate = `minmax(14rem, 1.5fr) repeat(${versions.length * flavours.length}, minmax(2.5rem, 1fr))`;

  return (
    <div className="space-y-4">
      <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <label className="block text-sm font-medium">
          Kernel (part of an id, or the output of <code className="font-mono">uname -r</code>)
          <input
            type="search"
            className="mt-1 block w-full max-w-xl rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm dark:border-slate-700 dark:bg-slate-950"
            defaultValue={filter.search}
            placeholder="5.15.0-1-cloud-amd64"
            onChange={(e) => setFilter({ ...filter, search: e.target.value })}
            spellCheck={false}
          />
        </label>
        <Toggles label="Distribution" options={data.families.map((f) => ({ value: f.id, label: `${f.label} (${f.kernels})` }))} chosen={filter.families} onToggle={(v) => setFilter({ ...filter, families: toggle(filter.families, v) })} />
        <Toggles label="Kernel major" options={majors.map((m) => ({ value: m, label: `${m}.x` }))} chosen={filter.majors} onToggle={(v) => setFilter({ ...filter, majors: toggle(filter.majors, v) })} />
        <Toggles
          label="State"
          options={STATE_ORDER.map((s) => ({ value: s, label: `${CELL_LOOK[s].symbol} ${CELL_LOOK[s].label} (${data.counts[s].toLocaleString("en")})` }))}
          chosen={filter.states}
          onToggle={(v) => setFilter({ ...filter, states: toggle(filter.states, v as CellState) })}
        />
        <div className="flex flex-wrap gap-x-6 gap-y-3">
          <Toggles label="Module version" options={data.moduleVersions.map((v) => ({ value: v, label: v }))} chosen={filter.moduleVersions} onToggle={(v) => setFilter({ ...filter, moduleVersions: toggle(filter.moduleVersions, v) })} />
          <Toggles
            label="Flavour"
            options={[
              { value: "mod", label: "kernel module" },
              { value: "bpf", label: "eBPF probe" },
            ]}
            chosen={filter.flavours}
            onToggle={(v) => setFilter({ ...filter, flavours: toggle(filter.flavours, v as Flavour) })}
          />
        </div>
      </div>

      <section aria-label="Summary" className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <p className="text-sm" data-testid="grid-summary">
            <strong>{kernels.length.toLocaleString("en")}</strong> of {data.kernels.length.toLocaleString("en")} kernels ·{" "}
            {STATE_ORDER.filter((s) => summary.total[s] > 0).map((s, i) => (
              <span key={s}>
                {i > 0 ? " · " : ""}
                <span aria-hidden="true">{CELL_LOOK[s].symbol}</span> {summary.total[s].toLocaleString("en")} {CELL_LOOK[s].label}
              </span>
            ))}
          </p>
          <span className="flex gap-2">
            <button type="button" className="rounded border border-slate-300 px-3 py-1 text-sm dark:border-slate-700" onClick={() => download("csv")}>
              Export CSV
            </button>
            <button type="button" className="rounded border border-slate-300 px-3 py-1 text-sm dark:border-slate-700" onClick={() => download("json")}>
              Export JSON
            </button>
          </span>
        </div>
        <ul className="mt-3 grid gap-2 text-sm sm:grid-cols-2 lg:grid-cols-4" aria-describedby="coverage-rule">
          {summary.columns.map((c) => {
            const pct = coveragePercent(c);
            const left = c.kernels - c.counted;
            return (
              <li key={`${c.moduleVersion}-${c.flavour}`} data-testid="coverage-column">
                <span className="font-mono">{c.moduleVersion}</span> {c.flavour === "mod" ? "module" : "eBPF"}: <strong>{pct === null ? "—" : `${pct}%`}</strong> ({c.withDriver.toLocaleString("en")} of{" "}
                {c.counted.toLocaleString("en")} with a driver{c.counts.failed ? `, ${c.counts.failed.toLocaleString("en")} failed` : ""}
                {c.counts.missing ? `, ${c.counts.missing.toLocaleString("en")} missing` : ""}
                {left ? `; ${left.toLocaleString("en")} left out` : ""})
                <span className="mt-1 block h-1.5 w-full overflow-hidden rounded bg-slate-200 dark:bg-slate-700" aria-hidden="true">
                  <span className="block h-full bg-[#0072B2]" style={{ width: `${pct ?? 0}%` }} />
                </span>
              </li>
            );
          })}
        </ul>
        <p id="coverage-rule" className="mt-3 text-xs text-slate-600 dark:text-slate-400">
          {COVERAGE_RULE}
        </p>
      </section>

      <Legend />

      <div className={selected ? "grid gap-4 xl:grid-cols-[minmax(0,1fr)_26rem]" : ""}>
        <div role="grid" aria-label="Coverage: kernels by module version and flavour" aria-rowcount={kernels.length + 1} className="self-start overflow-hidden rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
          <div ref={scroller} className="max-h-[70vh] overflow-auto">
            <div role="row" className="sticky top-0 z-10 grid border-b border-slate-300 bg-slate-100 text-xs font-semibold dark:border-slate-700 dark:bg-slate-800" style={{ gridTemplateColumns: columnTemplate }}>
              <div role="columnheader" className="sticky left-0 bg-slate-100 px-3 py-2 dark:bg-slate-800">
                Kernel
              </div>
              {versions.flatMap(({ v }) =>
                flavours.map((f) => (
                  <div role="columnheader" key={`${v}-${f}`} className={`px-1 py-2 text-center ${f === 0 || flavours.length === 1 ? "border-l border-slate-300 dark:border-slate-700" : ""}`}>
                    <span className="block font-mono">{f === 0 || flavours.length === 1 ? v : "\u00a0"}</span>
                    <span className="font-normal">{f === 0 ? "mod" : "bpf"}</span>
                  </div>
                )),
              )}
            </div>
            {rows.length === 0 ? <p className="p-6 text-sm">No kernel matches these filters.</p> : null}
            <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
              {virtualizer.getVirtualItems().map((item) => {
                const row = rows[item.index]!;
                const style = { position: "absolute" as const, top: 0, left: 0, right: 0, height: item.size, transform: `translateY(${item.start}px)` };
                if (row.kind === "family") {
                  return (
                    <div key={item.key} role="row" style={style} className="flex items-center bg-slate-50 px-3 text-xs font-semibold uppercase tracking-wide text-slate-700 dark:bg-slate-950 dark:text-slate-300">
                      <span role="rowheader">
                        {row.label} · {row.count}
                      </span>
                    </div>
                  );
                }
                const kernel = data.kernels[row.k]!;
                return (
                  <div key={item.key} role="row" style={{ ...style, gridTemplateColumns: columnTemplate }} className="grid border-b border-slate-100 dark:border-slate-800">
                    <div role="rowheader" className="sticky left-0 truncate bg-inherit px-3 font-mono text-xs leading-7" title={kernel.name}>
                      {kernel.name}
                    </div>
                    {versions.flatMap(({ v, m }) =>
                      flavours.map((f) => {
                        const state = data.states[data.cells[cellAt(data, row.k, m, f)]!]!;
                        const look = CELL_LOOK[state];
                        const isSelected = selected?.kernel === kernel.name && selected.moduleVersion === v && selected.flavour === (f === 0 ? "mod" : "bpf");
                        return (
                          <div role="gridcell" key={`${v}-${f}`} className={`p-0.5 ${f === 0 || flavours.length === 1 ? "border-l border-slate-200 dark:border-slate-700" : ""}`}>
                            <button
                              type="button"
                              onClick={() => select(row.k, m, f)}
                              aria-label={`${kernel.name} ${v} ${f === 0 ? "mod" : "bpf"}: ${look.label}`}
                              aria-pressed={isSelected}
                              className={`flex h-full w-full items-center justify-center rounded-sm text-xs font-bold ${look.className} ${isSelected ? "ring-2 ring-offset-1 ring-slate-900 dark:ring-white" : ""}`}
                            >
                              <span aria-hidden="true">{look.symbol}</span>
                            </button>
                          </div>
                        );
                      }),
                    )}
                  </div>
                );
              })}
            </div>
          </div>
        </div>
        {selected ? <CellPanel cell={selected} imageId={imageId} onClose={unselect} failuresHref={failuresHref} /> : null}
      </div>
    </div>
  );
}

function Toggles({ label, options, chosen, onToggle }: { label: string; options: { value: string; label: string }[]; chosen: string[]; onToggle: (value: string) => void }) {
  if (options.length === 0) return null;
  return (
    <div role="group" aria-label={label} className="flex flex-wrap items-center gap-2 text-sm">
      <span className="w-28 shrink-0 font-medium">{label}</span>
      {options.map((o) => {
        const on = chosen.includes(o.value);
        return (
          <button
            key={o.value}
            type="button"
            aria-pressed={on}
            onClick={() => onToggle(o.value)}
            className={`rounded-full border px-2.5 py-0.5 ${on ? "border-blue-700 bg-blue-700 text-white dark:border-blue-400 dark:bg-blue-600" : "border-slate-300 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"}`}
          >
            {o.label}
          </button>
        );
      })}
    </div>
  );
}

function Legend() {
  return (
    <ul aria-label="Legend" className="flex flex-wrap gap-x-5 gap-y-2 text-xs">
      {STATE_ORDER.map((s) => (
        <li key={s} className="flex items-center gap-1.5">
          <span aria-hidden="true" className={`inline-flex size-5 items-center justify-center rounded-sm font-bold ${CELL_LOOK[s].className} ${s === "notPlanned" ? "border border-slate-300 dark:border-slate-600" : ""}`}>
            {CELL_LOOK[s].symbol}
          </span>
          <span>
            <strong>{CELL_LOOK[s].label}</strong>: {CELL_LOOK[s].hint}
          </span>
        </li>
      ))}
    </ul>
  );
}
