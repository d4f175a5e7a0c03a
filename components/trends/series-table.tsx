import Link from "next/link";
import { formatDate } from "@/components/format";
import { CHANGE_TONE, FLAVOUR_LABEL, formatChange, formatCoverage } from "./trend-format";
import { type Flavour } from "@/lib/vocabulary";

export type SeriesRow = {
  moduleVersion: string;
  flavour: Flavour;
  latest: number | null;
  latestBuildId: number | null;
  change: number | null;
  lastDrop: { buildId: number; at: Date | string; from: number; to: number } | null;
  lags: boolean;
};

/** Coverage per module version and flavour: now, since a week ago, the last drop, and which one lags. */
export function SeriesTable({ series, caption, compact = false }: { series: readonly SeriesRow[]; caption: string; compact?: boolean }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600 dark:border-slate-700 dark:text-slate-400">
          <tr>
            <th scope="col" className="py-2 pr-4 font-semibold">Module version</th>
            <th scope="col" className="py-2 pr-4 font-semibold">Flavour</th>
            <th scope="col" className="py-2 pr-4 text-right font-semibold">Coverage</th>
            <th scope="col" className="py-2 pr-4 font-semibold">Since a week ago</th>
            {compact ? null : <th scope="col" className="py-2 pr-4 font-semibold">Last drop</th>}
          </tr>
        </thead>
        <tbody>
          {series.map((s) => {
            const change = formatChange(s.change);
            return (
              <tr key={`${s.moduleVersion} ${s.flavour}`} className={`border-b border-slate-100 dark:border-slate-800 ${s.lags ? "bg-amber-50 dark:bg-amber-950/40" : ""}`} data-testid="series-row">
                <th scope="row" className="py-2 pr-4 font-mono font-semibold">
                  {s.moduleVersion}
                  {s.lags ? (
                    <span className="ml-2 rounded-full border border-amber-600 px-2 py-0.5 font-sans text-xs font-semibold text-amber-900 dark:text-amber-200" data-testid="lags">
                      ⚠ lags
                    </span>
                  ) : null}
                </th>
                <td className="py-2 pr-4">{FLAVOUR_LABEL[s.flavour]}</td>
                <td className="py-2 pr-4 text-right font-semibold tabular-nums">
                  {s.latestBuildId ? <Link href={`/coverage?build=${s.latestBuildId}`} className="underline-offset-2 hover:underline">{formatCoverage(s.latest)}</Link> : formatCoverage(s.latest)}
                </td>
                <td className={`py-2 pr-4 tabular-nums ${CHANGE_TONE[change.tone]}`}>{change.text}</td>
                {compact ? null : (
                  <td className="py-2 pr-4">
                    {s.lastDrop ? (
                      <>
                        <Link href={`/builds/${s.lastDrop.buildId}`} className="text-blue-700 underline dark:text-blue-300">build #{s.lastDrop.buildId}</Link>, {formatDate(new Date(s.lastDrop.at))}: {formatCoverage(s.lastDrop.from)} → {formatCoverage(s.lastDrop.to)}
                      </>
                    ) : (
                      <span className="text-slate-600 dark:text-slate-400">never dropped</span>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
