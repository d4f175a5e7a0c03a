"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { inputClass } from "@/components/form-parts";
import { bundleFacets, chooseShown, chosenSummary, filterBundles, NO_BUNDLE_FILTER, toggleChosen, type BundleChoice, type BundleFilter } from "./bundle-selection";

const ROW_HEIGHT = 32;
const BUILDER_LABEL = { "rhel-7": "RHEL 7", "rhel-8": "RHEL 8" } as const;
const columns = "grid grid-cols-[1.5rem_minmax(0,3fr)_minmax(0,1fr)_minmax(0,1fr)_minmax(0,1fr)] items-center gap-2 px-2";

/**
 * A checkbox per stored bundle, with the Bundles page's filters. Only the
 * rows in view are drawn, so thousands of bundles scroll like ten. The list
 * is one tab stop: arrows, Page Up/Down, Home and End move between rows,
 * Space checks.
 */
export function BundlePicker({ bundles, chosen, onChange }: { bundles: BundleChoice[]; chosen: number[]; onChange: (chosen: number[]) => void }) {
  const id = useId();
  const [filter, setFilter] = useState<BundleFilter>(NO_BUNDLE_FILTER);
  const facets = useMemo(() => bundleFacets(bundles), [bundles]);
  const shown = useMemo(() => filterBundles(bundles, filter), [bundles, filter]);
  const chosenSet = useMemo(() => new Set(chosen), [chosen]);
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  // Set by a key that moves the focus: the row may be drawn only after the scroll it causes.
  const focusWanted = useRef(false);
  const current = Math.min(active, Math.max(0, shown.length - 1));
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read afresh on every render; nothing here memoises its functions
  const virtualizer = useVirtualizer({ count: shown.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });

  const rowBox = (index: number) => scroller.current?.querySelector<HTMLInputElement>(`input[data-index="${index}"]`);

  // A row reached by the keyboard gets the focus once it is drawn.
  useEffect(() => {
    if (!focusWanted.current) return;
    const box = rowBox(current);
    if (box) {
      box.focus({ preventScroll: true });
      focusWanted.current = false;
    }
  });

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(shown.length - 1, index));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: "auto" });
    // A row already drawn takes the focus now, in the key's own handler; another once it is drawn.
    const box = rowBox(next);
    if (box) box.focus({ preventScroll: true });
    else focusWanted.current = true;
  };
  const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 320) / ROW_HEIGHT) - 1);
  const onKeyDown = (event: React.KeyboardEvent) => {
    const moves: Record<string, number> = { ArrowDown: current + 1, ArrowUp: current - 1, PageDown: current + page, PageUp: current - page, Home: 0, End: shown.length - 1 };
    const target = moves[event.key];
    if (target === undefined || shown.length === 0) return;
    event.preventDefault();
    moveTo(target);
  };

  const drawn = virtualizer.getVirtualItems();
  // One tab stop: the active row, or the first drawn one when the active row was scrolled away.
  const tabStop = drawn.some((i) => i.index === current) ? current : (drawn[0]?.index ?? 0);

  return (
    <div className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_minmax(0,1fr)]">
        <div>
          <label htmlFor={`${id}-search`} className="block text-sm font-medium">
            Search bundles
          </label>
          <input
            id={`${id}-search`}
            type="search"
            className={`${inputClass} font-mono placeholder:font-sans`}
            value={filter.search}
            onChange={(e) => setFilter({ ...filter, search: e.target.value })}
            placeholder="kernel or uname, e.g. cloud"
            spellCheck={false}
            autoComplete="off"
          />
        </div>
        <div>
          <label htmlFor={`${id}-distro`} className="block text-sm font-medium">
            Distro
          </label>
          <select id={`${id}-distro`} className={inputClass} value={filter.distro ?? ""} onChange={(e) => setFilter({ ...filter, distro: e.target.value || null })}>
            <option value="">All</option>
            {facets.distros.map((d) => (
              <option key={d.distro} value={d.distro}>
                {d.distro} ({d.count})
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-version`} className="block text-sm font-medium">
            Version
          </label>
          <select id={`${id}-version`} className={inputClass} value={filter.version ?? ""} onChange={(e) => setFilter({ ...filter, version: e.target.value === "" ? null : Number(e.target.value) })}>
            <option value="">All</option>
            {facets.versions.map((v) => (
              <option key={v.version} value={v.version}>
                {v.version}.x ({v.count})
              </option>
            ))}
          </select>
        </div>
      </div>

      <div className="flex flex-wrap items-center gap-2">
        <button type="button" className={smallButton} onClick={() => onChange(chooseShown(chosen, shown))} disabled={shown.length === 0}>
          Select all shown ({shown.length.toLocaleString("en")})
        </button>
        <button type="button" className={smallButton} onClick={() => onChange([])} disabled={chosen.length === 0}>
          Clear
        </button>
        <p role="status" data-testid="bundles-chosen" className="ml-auto text-sm font-medium tabular-nums">
          {chosenSummary(chosen, bundles.length, shown)}
        </p>
      </div>

      <div className="overflow-hidden rounded-md border border-slate-300 dark:border-slate-700">
        <div aria-hidden="true" className={`${columns} border-b border-slate-300 bg-slate-100 py-1.5 text-xs font-semibold uppercase tracking-wide text-slate-600 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-300`}>
          <span />
          <span>Kernel</span>
          <span>Distro</span>
          <span>Version</span>
          <span>Builder</span>
        </div>
        <div ref={scroller} role="group" aria-label="Stored bundles" onKeyDown={onKeyDown} className="max-h-80 overflow-auto bg-white dark:bg-slate-950">
          {shown.length === 0 ? <p className="p-3 text-sm">No stored bundle matches these filters.</p> : null}
          <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
            {drawn.map((item) => {
              const bundle = shown[item.index]!;
              const checked = chosenSet.has(bundle.id);
              return (
                <label
                  key={bundle.id}
                  style={{ position: "absolute", top: 0, left: 0, right: 0, height: item.size, transform: `translateY(${item.start}px)` }}
                  className={`${columns} cursor-pointer border-b border-slate-100 text-sm hover:bg-slate-50 dark:border-slate-800 dark:hover:bg-slate-900 ${checked ? "bg-blue-50 dark:bg-blue-950/40" : ""}`}
                >
                  <input
                    type="checkbox"
                    className="size-4"
                    data-index={item.index}
                    tabIndex={item.index === tabStop ? 0 : -1}
                    checked={checked}
                    aria-label={bundle.kernel}
                    onFocus={() => setActive(item.index)}
                    onChange={() => onChange(toggleChosen(chosen, bundle.id))}
                  />
                  <span className="truncate font-mono" title={bundle.uname === bundle.kernel ? bundle.kernel : `${bundle.kernel} (uname ${bundle.uname})`}>
                    {bundle.kernel}
                  </span>
                  <span className="truncate">{bundle.distro}</span>
                  <span className="tabular-nums">{bundle.release}</span>
                  <span>{BUILDER_LABEL[bundle.builder]}</span>
                </label>
              );
            })}
          </div>
        </div>
      </div>
      <p className="text-xs text-slate-600 dark:text-slate-400">Only the checked bundles go into the build context. In the list, arrows move and Space checks.</p>
    </div>
  );
}

const smallButton = "rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800";
