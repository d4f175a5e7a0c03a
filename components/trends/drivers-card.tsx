import Link from "next/link";
import { Card } from "@/components/card";
import { GroupStateBadge, type GroupStateName } from "@/components/failure-groups/group-state-badge";
import { SeriesTable, type SeriesRow } from "./series-table";

export type DriversCardWorkspace = {
  workspace: { id: number; name: string };
  branch: string | null;
  latestBuildId: number | null;
  kernels: number | null;
  series: SeriesRow[];
  newGroups: { id: number; signature: string | null; state: GroupStateName; kernels: number }[];
};

const link = "text-blue-700 underline underline-offset-2 dark:text-blue-300";

/** The overview's first card: per workspace, coverage per module version and the failure groups new since yesterday. */
export function DriversCard({ workspaces }: { workspaces: readonly DriversCardWorkspace[] }) {
  return (
    <Card title="Drivers">
      {workspaces.length === 0 ? <p className="text-sm">No workspace yet.</p> : null}
      <div className="space-y-6">
        {workspaces.map((w) => (
          <section key={w.workspace.id} aria-labelledby={`drivers-${w.workspace.id}`} data-testid="drivers-workspace">
            <h3 id={`drivers-${w.workspace.id}`} className="mb-2 text-base font-semibold">
              {w.workspace.name}
              {w.branch ? <span className="font-mono font-normal"> at {w.branch}</span> : null}
              {w.latestBuildId ? (
                <span className="text-sm font-normal">
                  {" "}· <Link className={link} href={`/builds/${w.latestBuildId}`}>build #{w.latestBuildId}</Link>, {w.kernels?.toLocaleString("en")} kernels ·{" "}
                  <Link className={link} href={`/trends?workspaceId=${w.workspace.id}${w.branch ? `&branch=${encodeURIComponent(w.branch)}` : ""}`}>trends</Link>
                </span>
              ) : null}
            </h3>
            {w.series.length > 0 ? (
              <SeriesTable series={w.series} caption={`Coverage per module version of ${w.workspace.name}`} compact />
            ) : (
              <p className="text-sm text-slate-600 dark:text-slate-400">No finished driver build yet.</p>
            )}
            <p className="mt-3 text-sm font-medium" data-testid="new-groups">
              {w.newGroups.length === 0 ? "No failure group first seen since yesterday." : `${w.newGroups.length} failure group${w.newGroups.length === 1 ? "" : "s"} first seen since yesterday:`}
            </p>
            {w.newGroups.length > 0 ? (
              <ul className="mt-1 space-y-1 text-sm">
                {w.newGroups.slice(0, 5).map((g) => (
                  <li key={g.id} className="flex flex-wrap items-center gap-2">
                    <GroupStateBadge state={g.state} />
                    <Link className={`${link} min-w-0 break-words font-mono text-xs`} href={`/failures/groups/${g.id}`}>
                      {g.signature ?? "(an empty log)"}
                    </Link>
                    <span className="text-slate-600 dark:text-slate-400">{g.kernels} kernel{g.kernels === 1 ? "" : "s"}</span>
                  </li>
                ))}
                {w.newGroups.length > 5 ? <li>and {w.newGroups.length - 5} more</li> : null}
              </ul>
            ) : null}
          </section>
        ))}
      </div>
    </Card>
  );
}
