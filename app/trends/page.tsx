import Link from "next/link";
import { Card } from "@/components/card";
import { EmptyState } from "@/components/empty-state";
import { formatDate } from "@/components/format";
import { PageHeader } from "@/components/page-header";
import { chartData } from "@/components/trends/chart-data";
import { SeriesTable } from "@/components/trends/series-table";
import { TrendChart } from "@/components/trends/trend-chart";
import { formatCoverage } from "@/components/trends/trend-format";
import { requirePage } from "@/lib/auth/page-guard";
import { DomainError } from "@/lib/domain-error";
import { getWorkspaceTrends, type WorkspaceTrends } from "@/lib/trends/list-trends";
import { trendsQuerySchema } from "@/lib/trends/trend-schemas";
import { listWorkspaces } from "@/lib/workspace/list-workspaces";

export const dynamic = "force-dynamic";
export const metadata = { title: "Trends" };

const description = "Coverage of each module version over a workspace's builds, one point per build: which module version lags, and the build where it dropped. Coverage is kernels with a driver (built or cached) over kernels neither blocklisted nor unavailable.";
const TABLE_BUILDS = 30;

export default async function TrendsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePage();
  const search = await searchParams;
  const workspaces = listWorkspaces();
  if (workspaces.length === 0) {
    return (
      <>
        <PageHeader title="Trends" description={description} />
        <EmptyState title="No workspace yet">Trends come from a workspace&apos;s finished builds.</EmptyState>
      </>
    );
  }
  const given = Object.fromEntries(Object.entries(search).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""));
  const parsed = trendsQuerySchema.safeParse({ workspaceId: String(workspaces[0]!.id), ...given });
  let view: WorkspaceTrends | null = null;
  let problem: string | null = parsed.success ? null : `${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`;
  if (parsed.success) {
    try {
      view = await getWorkspaceTrends(parsed.data);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== "not_found") throw error;
      problem = error.message;
    }
  }
  const pill = (on: boolean) =>
    `rounded-full border px-2.5 py-0.5 text-sm ${on ? "border-blue-700 bg-blue-700 text-white dark:border-blue-400 dark:bg-blue-600" : "border-slate-300 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"}`;
  const href = (workspaceId: number, branch?: string | null) => `/trends?${new URLSearchParams({ workspaceId: String(workspaceId), ...(branch ? { branch } : {}) })}`;
  const currentWorkspace = view?.workspace.id ?? (parsed.success ? parsed.data.workspaceId : workspaces[0]!.id);
  return (
    <>
      <PageHeader title={view ? `Trends of ${view.workspace.name}${view.branch ? ` at ${view.branch}` : ""}` : "Trends"} description={description} />
      <nav aria-label="Workspace and branch" className="mb-4 space-y-2 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
        <div className="flex flex-wrap items-center gap-2">
          <span className="w-28 text-sm font-medium">Workspace</span>
          {workspaces.map((w) => (
            <Link key={w.id} className={pill(w.id === currentWorkspace)} href={href(w.id)} aria-current={w.id === currentWorkspace ? "page" : undefined}>
              {w.name}
            </Link>
          ))}
        </div>
        {view && view.branches.length > 0 ? (
          <div className="flex flex-wrap items-center gap-2">
            <span className="w-28 text-sm font-medium">Branch</span>
            {view.branches.map((b) => (
              <Link key={b} className={pill(b === view.branch)} href={href(view.workspace.id, b)} aria-current={b === view.branch ? "page" : undefined}>
                {b}
              </Link>
            ))}
          </div>
        ) : null}
      </nav>
      {problem ? (
        <p role="alert" className="mb-4 rounded-md border border-red-300 bg-red-50 p-3 text-sm dark:border-red-800 dark:bg-red-950">
          ⚠ {problem}
        </p>
      ) : null}
      {view && view.points.length === 0 ? (
        <EmptyState title="No finished build with drivers yet">Each driver build that makes an image becomes a point here when it ends.</EmptyState>
      ) : null}
      {view && view.points.length > 0 ? <TrendsBody view={view} /> : null}
    </>
  );
}

function TrendsBody({ view }: { view: WorkspaceTrends }) {
  const latest = view.points.at(-1)!;
  const charts = (["mod", "bpf"] as const).map((f) => ({ flavour: f, data: chartData(view.points, f, view.moduleVersions) })).filter((c) => c.data.series.length > 0);
  const lagging = view.series.find((s) => s.lags);
  const recent = view.points.slice(-TABLE_BUILDS).reverse();
  const columns = view.series.map((s) => ({ key: `${s.moduleVersion} ${s.flavour}`, label: `${s.moduleVersion} ${s.flavour}` }));
  return (
    <div className="space-y-4">
      <Card title="Module versions">
        <p className="mb-3 text-sm" data-testid="trends-summary">
          {view.points.length} build{view.points.length === 1 ? "" : "s"} from {formatDate(view.points[0]!.build.finishedAt ?? view.points[0]!.build.createdAt)} to{" "}
          <Link className="underline" href={`/builds/${latest.build.id}`}>build #{latest.build.id}</Link> ({formatDate(latest.build.finishedAt ?? latest.build.createdAt)}), {latest.kernels.toLocaleString("en")} kernels.{" "}
          {lagging ? (
            <strong>
              {lagging.moduleVersion} ({lagging.flavour}) lags at {formatCoverage(lagging.latest)}
              {lagging.lastDrop ? `, since build #${lagging.lastDrop.buildId} (${formatDate(lagging.lastDrop.at)})` : ""}.
            </strong>
          ) : (
            "No module version lags the others."
          )}
        </p>
        <SeriesTable series={view.series} caption={`Coverage per module version of ${view.workspace.name}`} />
        {view.reference ? (
          <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
            A week ago: <Link className="underline" href={`/builds/${view.reference.buildId}`}>build #{view.reference.buildId}</Link> ({formatDate(view.reference.at)}).
          </p>
        ) : null}
      </Card>
      <div className="grid gap-4 xl:grid-cols-2">
        {charts.map((c) => (
          <Card key={c.flavour} title={c.flavour === "mod" ? "Kernel modules" : "eBPF probes"}>
            <TrendChart title={`${c.flavour === "mod" ? "Kernel module" : "eBPF probe"} coverage per module version`} data={c.data} />
          </Card>
        ))}
      </div>
      <Card title={`Latest ${recent.length} builds`}>
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Coverage per build, newest first</caption>
            <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600 dark:border-slate-700 dark:text-slate-400">
              <tr>
                <th scope="col" className="py-2 pr-4 font-semibold">Build</th>
                <th scope="col" className="py-2 pr-4 font-semibold">Finished</th>
                {columns.map((c) => (
                  <th key={c.key} scope="col" className="py-2 pr-4 text-right font-mono font-semibold normal-case">{c.label}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {recent.map((p) => (
                <tr key={p.build.id} className="border-b border-slate-100 dark:border-slate-800">
                  <th scope="row" className="py-1.5 pr-4 font-normal">
                    <Link className="text-blue-700 underline dark:text-blue-300" href={`/builds/${p.build.id}`}>#{p.build.id}</Link>{" "}
                    <Link className="text-xs underline" href={`/coverage?build=${p.build.id}`}>grid</Link>
                  </th>
                  <td className="py-1.5 pr-4 whitespace-nowrap">{formatDate(p.build.finishedAt ?? p.build.createdAt)}</td>
                  {columns.map((c) => (
                    <td key={c.key} className="py-1.5 pr-4 text-right tabular-nums">{formatCoverage(p.columns.find((x) => `${x.moduleVersion} ${x.flavour}` === c.key)?.coverage)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
    </div>
  );
}
