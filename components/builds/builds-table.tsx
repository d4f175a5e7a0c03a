"use client";

import Link from "next/link";
import type { BuildListView } from "@/lib/builds/list-builds";
import { formatDate, formatDuration } from "@/components/format";
import { BuildStatusBadge } from "@/components/build/status-badge";
import { useBuildList } from "@/components/queries";

/** The list of builds; refreshed every two seconds while one of them is queued or running. */
export function BuildsTable({ initial, query }: { initial: BuildListView; query: string }) {
  const { data } = useBuildList(query, initial);
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Builds, newest first</caption>
        <thead className="bg-slate-100 text-xs uppercase tracking-wide text-slate-600 dark:bg-slate-800 dark:text-slate-300">
          <tr>
            <th scope="col" className="px-3 py-2">Build</th>
            <th scope="col" className="px-3 py-2">Status</th>
            <th scope="col" className="px-3 py-2">Branch</th>
            <th scope="col" className="px-3 py-2">Options</th>
            <th scope="col" className="px-3 py-2">Started by</th>
            <th scope="col" className="px-3 py-2">Started</th>
            <th scope="col" className="px-3 py-2 text-right">Duration</th>
            <th scope="col" className="px-3 py-2 text-right">Drivers built / failed</th>
          </tr>
        </thead>
        <tbody>
          {data.builds.map((b) => (
            <tr key={b.id} data-build-id={b.id} className="border-t border-slate-200 align-top dark:border-slate-800">
              <th scope="row" className="px-3 py-2 font-mono font-normal">
                <Link href={`/builds/${b.id}`} className="font-semibold text-blue-700 underline-offset-2 hover:underline dark:text-blue-300">
                  #{b.id}
                </Link>
                {b.kind !== "drivers" ? <span className="ml-1 text-xs text-slate-600 dark:text-slate-400">{b.kind}</span> : null}
              </th>
              <td className="px-3 py-2">
                <BuildStatusBadge status={b.status} />
              </td>
              <td className="px-3 py-2">
                <span className="font-mono">{b.branch ?? "—"}</span>
                {b.workspace ? <span className="block text-xs text-slate-600 dark:text-slate-400">{b.workspace}</span> : null}
              </td>
              <td className="px-3 py-2 text-xs">
                {b.target ? <span className="mr-1 rounded bg-slate-100 px-1 dark:bg-slate-800">target {b.target}</span> : null}
                {b.options.length ? b.options.join(" · ") : <span className="text-slate-500 dark:text-slate-400">defaults</span>}
              </td>
              <td className="px-3 py-2">{b.startedBy ?? <span className="text-slate-500 dark:text-slate-400">API</span>}</td>
              <td className="px-3 py-2 whitespace-nowrap">{formatDate(b.startedAt ?? b.createdAt)}</td>
              <td className="px-3 py-2 text-right tabular-nums whitespace-nowrap">{formatDuration(b.durationMs)}</td>
              <td className="px-3 py-2 text-right tabular-nums whitespace-nowrap">
                {b.status === "running" && b.plan.planned ? (
                  <span>
                    {b.plan.done} of {b.plan.planned}
                  </span>
                ) : (
                  <span>
                    {b.drivers.built} / <span className={b.drivers.failed ? "font-semibold text-orange-800 dark:text-orange-300" : undefined}>{b.drivers.failed}</span>
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
