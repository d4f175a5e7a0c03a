import Link from "next/link";
import { bundleListHref, type BundleListView } from "./bundle-list-view";

type Choice = { label: string; count?: number; change: Partial<BundleListView>; selected: boolean };

/** Filter by distribution and by kernel major version: one link per stored value, so every choice can be bookmarked. */
export function BundleFilters({ view, distros, versions }: { view: BundleListView; distros: { distro: string; count: number }[]; versions: { version: number; count: number }[] }) {
  return (
    <div className="flex flex-wrap gap-x-6 gap-y-3">
      <ChoiceGroup
        label="Distro"
        view={view}
        choices={[
          { label: "All", change: { distro: undefined }, selected: view.distro === undefined },
          ...distros.map((d) => ({ label: d.distro, count: d.count, change: { distro: d.distro }, selected: view.distro === d.distro })),
        ]}
      />
      <ChoiceGroup
        label="Version"
        view={view}
        choices={[
          { label: "All", change: { version: undefined }, selected: view.version === undefined },
          ...versions.map((v) => ({ label: `${v.version}.x`, count: v.count, change: { version: v.version }, selected: view.version === v.version })),
        ]}
      />
    </div>
  );
}

function ChoiceGroup({ label, view, choices }: { label: string; view: BundleListView; choices: Choice[] }) {
  const id = `bundle-filter-${label.toLowerCase()}`;
  return (
    <div role="group" aria-labelledby={id} className="flex items-center gap-2">
      <span id={id} className="text-sm font-medium">
        {label}
      </span>
      <ul className="flex overflow-hidden rounded-md border border-slate-300 dark:border-slate-700">
        {choices.map((c) => (
          <li key={c.label} className="border-l border-slate-300 first:border-l-0 dark:border-slate-700">
            <Link
              href={bundleListHref(view, c.change)}
              scroll={false}
              aria-current={c.selected ? "true" : undefined}
              className={
                "flex items-center gap-1 px-3 py-1.5 text-sm " +
                (c.selected ? "bg-blue-700 font-semibold text-white dark:bg-blue-600" : "bg-white hover:bg-slate-100 dark:bg-slate-900 dark:hover:bg-slate-800")
              }
            >
              {c.selected ? (
                <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={3} className="h-3.5 w-3.5">
                  <path d="M5 13l4 4L19 7" strokeLinecap="round" strokeLinejoin="round" />
                </svg>
              ) : null}
              {c.label}
              {c.count !== undefined ? " " : null}
              {c.count !== undefined ? <span className={c.selected ? "text-blue-100" : "text-slate-500 dark:text-slate-400"}>({c.count})</span> : null}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
