"use client";

import Link from "next/link";
import type { BuildListItem, BuildListView } from "@/lib/builds/list-builds";
import { formatDate, formatDuration } from "@/components/format";
import { BuildStatusBadge } from "@/components/build/status-badge";
import { useBuildList } from "@/components/queries";
import { ACTIVE_BUILD_STATUSES } from "@/lib/vocabulary";

const LIVE = new Set<string>(ACTIVE_BUILD_STATUSES);

/** Running and queued builds with their progress, then the latest results; polled while anything runs. */
export function ActiveBuilds({ initial }: { initial: BuildListView }) {
  const { data } = useBuildList("perPage=30", initial, 10_000);
  const active = data.builds.filter((b) => LIVE.has(b.status)).sort((a, b) => a.id - b.id);
  const latest = data.builds.filter((b) => !LIVE.has(b.status)).slice(0, 5);
  return (
    <div className="space-y-4">
      <section aria-labelledby="active-heading">
        <h3 id="active-heading" className="mb-2 text-sm font-semibold">
          Running and queued
        </h3>
        {active.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">Nothing is building right now.</p>
        ) : (
          <ul className="space-y-3">
            {active.map((b) => (
              <li key={b.id}>
                <BuildLine build={b} />
                <Progress build={b} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="latest-heading">
        <h3 id="latest-heading" className="mb-2 text-sm font-semibold">
          Latest results
        </h3>
        {latest.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No build has finished yet.</p>
        ) : (
          <ul className="space-y-2">
            {latest.map((b) => (
              <li key={b.id}>
                <BuildLine build={b} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function BuildLine({ build: b }: { build: BuildListItem }) {
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
      <Link href={`/builds/${b.id}`} className="font-mono font-semibold text-blue-700 hover:underline dark:text-blue-300">
        #{b.id}
      </Link>
      <BuildStatusBadge status={b.status} />
      <span className="font-mono">{b.branch}</span>
      <span className="text-slate-600 dark:text-slate-400">{formatDate(b.startedAt ?? b.createdAt)}</span>
      {b.durationMs != null ? <span className="tabular-nums text-slate-600 dark:text-slate-400">{formatDuration(b.durationMs)}</span> : null}
      {!LIVE.has(b.status) && b.kind === "drivers" ? (
        <span className="tabular-nums">
          {b.drivers.built} built{b.drivers.failed ? `, ${b.drivers.failed} failed` : ""}
        </span>
      ) : null}
    </div>
  );
}

function Progress({ build: b }: { build: BuildListItem }) {
  if (b.status !== "running") return null;
  const planned = b.plan.planned;
  if (!planned) return <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">preparing: the plan is not known yet</p>;
  return (
    <div className="mt-1 flex items-center gap-2 text-xs">
      <progress className="h-2 w-48" max={planned} value={b.plan.done} aria-label={`Build ${b.id}: ${b.plan.done} of ${planned} drivers`} />
      <span className="tabular-nums">
        {b.plan.done} of {planned} drivers
      </span>
    </div>
  );
}
