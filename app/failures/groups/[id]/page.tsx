import Link from "next/link";
import { notFound } from "next/navigation";
import { Card, Stat } from "@/components/card";
import { AcknowledgeForm } from "@/components/failure-groups/acknowledge-form";
import { GroupStateBadge } from "@/components/failure-groups/group-state-badge";
import { FailureLog } from "@/components/failures/failure-log";
import { formatDate } from "@/components/format";
import { PageHeader } from "@/components/page-header";
import { requirePage } from "@/lib/auth/page-guard";
import { hasRole } from "@/lib/auth/roles";
import { failureGroupParamsSchema } from "@/lib/failure-groups/failure-group-schemas";
import { getFailureGroup } from "@/lib/failure-groups/get-failure-group";
import { DomainError } from "@/lib/domain-error";

export const dynamic = "force-dynamic";
export const metadata = { title: "Failure group" };

/** Enough rows to read; the grid link shows every one of them. */
const MAX_CELLS_SHOWN = 200;

const link = "text-blue-700 underline underline-offset-2 dark:text-blue-300";

export default async function FailureGroupPage({ params }: { params: Promise<{ id: string }> }) {
  const principal = await requirePage();
  const parsed = failureGroupParamsSchema.safeParse(await params);
  if (!parsed.success) notFound();
  let group: Awaited<ReturnType<typeof getFailureGroup>>;
  try {
    group = await getFailureGroup(parsed.data.id);
  } catch (error) {
    if (error instanceof DomainError && error.code === "not_found") notFound();
    throw error;
  }
  const cellHref = (c: { kernel: string; moduleVersion: string; flavour: string; lastBuildId: number }) =>
    `/coverage?${new URLSearchParams({ build: String(c.lastBuildId), q: c.kernel, cell: `${c.kernel}/${c.moduleVersion}/${c.flavour}` })}`;
  const last = group.cells.filter((c) => c.lastBuildId === group.lastSeen.buildId);
  const gridOfLast = `/coverage?${new URLSearchParams({
    build: String(group.lastSeen.buildId),
    state: "failed",
    mv: [...new Set(last.map((c) => c.moduleVersion))].join(","),
    flavour: [...new Set(last.map((c) => c.flavour))].join(","),
  })}`;
  const ack = group.acknowledgement;
  return (
    <>
      <PageHeader
        title={`Failure group #${group.id} of ${group.workspace.name}`}
        description={
          <>
            Every build this failure was seen in, the kernels it hit and one of its logs. <Link className={link} href={`/failures?build=${group.lastSeen.buildId}`}>All failures of build #{group.lastSeen.buildId}</Link>
          </>
        }
      />
      <div className="space-y-4">
        <section aria-labelledby="signature" className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
          <div className="flex flex-wrap items-start justify-between gap-3">
            <h2 id="signature" className="min-w-0 break-words font-mono text-base font-semibold">
              {group.signature ?? "(an empty log: the builder printed nothing)"}
            </h2>
            <GroupStateBadge state={group.state} />
          </div>
          <dl className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
            <Stat label="First seen" value={<><Link className={link} href={`/builds/${group.firstSeen.buildId}`}>build #{group.firstSeen.buildId}</Link> <span className="block text-sm font-normal">{formatDate(group.firstSeen.at)}</span></>} />
            <Stat label="Last seen" value={<><Link className={link} href={`/builds/${group.lastSeen.buildId}`}>build #{group.lastSeen.buildId}</Link> <span className="block text-sm font-normal">{formatDate(group.lastSeen.at)}</span></>} />
            <Stat
              label="Last build without it"
              value={group.lastClear ? <><Link className={link} href={`/builds/${group.lastClear.buildId}`}>build #{group.lastClear.buildId}</Link> <span className="block text-sm font-normal">{formatDate(group.lastClear.at)}</span></> : "none yet"}
            />
            <Stat label="Builds hit" value={group.builds.toLocaleString("en")} />
            <Stat label="Kernels hit" value={group.kernels.toLocaleString("en")} />
          </dl>
        </section>

        <Card title="Acknowledgement">
          {ack ? (
            <div className="mb-4 text-sm" data-testid="acknowledgement">
              <p>
                Owned by <strong className="font-mono">{ack.owner}</strong>, acknowledged by <span className="font-mono">{ack.by}</span> on {formatDate(ack.at)}:
              </p>
              <p className="mt-1 whitespace-pre-wrap break-words rounded-md bg-slate-50 p-2 dark:bg-slate-800">{ack.note}</p>
            </div>
          ) : (
            <p className="mb-4 text-sm font-semibold" data-testid="acknowledgement">Nobody has acknowledged it yet.</p>
          )}
          {hasRole(principal.role, "operator") ? (
            <AcknowledgeForm groupId={group.id} me={principal.name} />
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">Operators acknowledge failure groups.</p>
          )}
          {group.notes.length > 1 ? (
            <details className="mt-4">
              <summary className="cursor-pointer text-sm font-medium">Earlier notes ({group.notes.length - 1})</summary>
              <ol className="mt-2 space-y-2 text-sm">
                {group.notes.slice(1).map((n) => (
                  <li key={n.id}>
                    <span className="text-slate-600 dark:text-slate-400">{formatDate(n.at)}, {n.by} → owner {n.owner}:</span> <span className="whitespace-pre-wrap break-words">{n.note}</span>
                  </li>
                ))}
              </ol>
            </details>
          ) : null}
        </Card>

        <Card title={`History: ${group.history.length} build${group.history.length === 1 ? "" : "s"}`}>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">The builds this failure group was seen in, newest first</caption>
              <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600 dark:border-slate-700 dark:text-slate-400">
                <tr>
                  <th scope="col" className="py-2 pr-4 font-semibold">Build</th>
                  <th scope="col" className="py-2 pr-4 font-semibold">Branch</th>
                  <th scope="col" className="py-2 pr-4 font-semibold">Finished</th>
                  <th scope="col" className="py-2 pr-4 text-right font-semibold">Failures</th>
                  <th scope="col" className="py-2 pr-4 text-right font-semibold">Kernels</th>
                </tr>
              </thead>
              <tbody>
                {group.history.map((h) => (
                  <tr key={h.buildId} className="border-b border-slate-100 dark:border-slate-800">
                    <th scope="row" className="py-1.5 pr-4 font-normal">
                      <Link className={link} href={`/builds/${h.buildId}`}>#{h.buildId}</Link>{" "}
                      <Link className="text-xs underline" href={`/failures?build=${h.buildId}`}>failures</Link>
                    </th>
                    <td className="py-1.5 pr-4 font-mono">{h.branch}</td>
                    <td className="py-1.5 pr-4 whitespace-nowrap">{formatDate(h.finishedAt ?? h.createdAt)}</td>
                    <td className="py-1.5 pr-4 text-right tabular-nums">{h.failures.toLocaleString("en")}</td>
                    <td className="py-1.5 pr-4 text-right tabular-nums">{h.kernels.toLocaleString("en")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>

        <Card title={`Kernels: ${group.cells.length} task${group.cells.length === 1 ? "" : "s"}`}>
          <p className="mb-2 text-sm">
            <Link className={link} href={gridOfLast}>Show the failed cells of build #{group.lastSeen.buildId} in the coverage grid</Link>; each kernel below opens its own cell.
          </p>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">The kernel, module version and flavour of every task this group hit</caption>
              <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600 dark:border-slate-700 dark:text-slate-400">
                <tr>
                  <th scope="col" className="py-2 pr-4 font-semibold">Kernel</th>
                  <th scope="col" className="py-2 pr-4 font-semibold">Module version</th>
                  <th scope="col" className="py-2 pr-4 font-semibold">Flavour</th>
                  <th scope="col" className="py-2 pr-4 font-semibold">Failed in builds</th>
                  <th scope="col" className="py-2 pr-4 font-semibold">Now</th>
                </tr>
              </thead>
              <tbody>
                {group.cells.slice(0, MAX_CELLS_SHOWN).map((c) => (
                  <tr key={`${c.kernel} ${c.moduleVersion} ${c.flavour}`} className="border-b border-slate-100 dark:border-slate-800">
                    <th scope="row" className="py-1.5 pr-4 font-mono font-normal">
                      <Link className={link} href={cellHref(c)}>{c.kernel}</Link>
                    </th>
                    <td className="py-1.5 pr-4 font-mono">{c.moduleVersion}</td>
                    <td className="py-1.5 pr-4">{c.flavour === "mod" ? "kernel module" : "eBPF probe"}</td>
                    <td className="py-1.5 pr-4 tabular-nums">{c.firstBuildId === c.lastBuildId ? `#${c.firstBuildId}` : `#${c.firstBuildId} to #${c.lastBuildId}`}</td>
                    <td className="py-1.5 pr-4">{c.stillFailing ? "✕ still failing" : "✓ not failing since"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {group.cells.length > MAX_CELLS_SHOWN ? <p className="mt-2 text-sm">and {(group.cells.length - MAX_CELLS_SHOWN).toLocaleString("en")} more: the grid link shows them all.</p> : null}
          </div>
        </Card>

        <Card title="One log">
          {group.example ? (
            <>
              <p className="mb-2 text-sm">
                {group.example.kernel} {group.example.moduleVersion} {group.example.flavour === "mod" ? "kernel module" : "eBPF probe"}
              </p>
              <FailureLog log={group.example.log} errorLine={group.example.line} label={`Failure log of ${group.example.kernel} ${group.example.moduleVersion} ${group.example.flavour}`} />
            </>
          ) : (
            <p className="text-sm">The images of the builds it was seen in are gone: no log is left.</p>
          )}
        </Card>
      </div>
    </>
  );
}
