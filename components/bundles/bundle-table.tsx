import Link from "next/link";
import { formatBytes, formatDate } from "@/components/format";
import { ariaSort, sortHref, type BundleListView, type BundleSortColumn } from "./bundle-list-view";
import { DeleteBundleButton } from "./delete-bundle-button";

/** A stored bundle as the page shows it; the builder is worked out on the server. */
export type BundleListItem = {
  id: number;
  kernel: string;
  uname: string;
  distro: string;
  version: string;
  builder: "RHEL 7" | "RHEL 8";
  size: number;
  addedAt: number;
};

const columns: { key: BundleSortColumn | "builder"; label: string; align?: "right"; normalCase?: boolean }[] = [
  { key: "kernel", label: "Kernel" },
  { key: "uname", label: "uname -r", normalCase: true },
  { key: "distro", label: "Distro" },
  { key: "version", label: "Version" },
  { key: "builder", label: "Builder" },
  { key: "size", label: "Size", align: "right" },
  { key: "addedAt", label: "Added" },
];

export function BundleTable({ rows, view }: { rows: BundleListItem[]; view: BundleListView }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Header bundles</caption>
        <thead className="bg-slate-100 text-xs uppercase tracking-wide text-slate-600 dark:bg-slate-800 dark:text-slate-300">
          <tr>
            {columns.map((c) =>
              c.key === "builder" ? (
                <th key={c.key} scope="col" className="px-3 py-2">
                  {c.label}
                </th>
              ) : (
                <th key={c.key} scope="col" aria-sort={ariaSort(view, c.key)} className={`px-3 py-2 ${c.align === "right" ? "text-right" : ""}`}>
                  <SortLink view={view} column={c.key} label={c.label} normalCase={c.normalCase} />
                </th>
              ),
            )}
            <th scope="col" className="px-3 py-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((b) => (
            <tr key={b.id} className="border-t border-slate-200 hover:bg-slate-50 dark:border-slate-800 dark:hover:bg-slate-800/50">
              <th scope="row" className="px-3 py-2 font-mono font-normal">
                {b.kernel}
              </th>
              <td className="px-3 py-2 font-mono">{b.uname}</td>
              <td className="px-3 py-2">{b.distro}</td>
              <td className="px-3 py-2 tabular-nums">{b.version}</td>
              <td className="px-3 py-2">{b.builder}</td>
              <td className="px-3 py-2 text-right tabular-nums">{formatBytes(b.size)}</td>
              <td className="whitespace-nowrap px-3 py-2">{formatDate(b.addedAt)}</td>
              <td className="px-3 py-2 text-right">
                <DeleteBundleButton id={b.id} kernel={b.kernel} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SortLink({ view, column, label, normalCase }: { view: BundleListView; column: BundleSortColumn; label: string; normalCase?: boolean }) {
  const sort = ariaSort(view, column);
  return (
    <Link href={sortHref(view, column)} scroll={false} className={`inline-flex items-center gap-1 ${normalCase ? "font-mono normal-case" : "uppercase"} hover:text-slate-900 hover:underline dark:hover:text-white`}>
      {label}
      <span aria-hidden="true" className={sort === "none" ? "text-slate-400 dark:text-slate-500" : "text-slate-900 dark:text-white"}>
        {sort === "ascending" ? "▲" : sort === "descending" ? "▼" : "↕"}
      </span>
    </Link>
  );
}
