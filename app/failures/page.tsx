import Link from "next/link";
import { redirect } from "next/navigation";
import { SubjectPicker } from "@/components/coverage/subject-picker";
import { EmptyState } from "@/components/empty-state";
import { GroupStateBadge } from "@/components/failure-groups/group-state-badge";
import { FailureLog } from "@/components/failures/failure-log";
import { PageHeader } from "@/components/page-header";
import { failuresQuerySchema } from "@/lib/coverage/coverage-schemas";
import { KERNEL_FAMILIES } from "@/lib/coverage/kernel-family";
import { getFailureView, listFailuresView } from "@/lib/coverage/list-failures";
import { GROUP_STATES } from "@/lib/failure-groups/group-state";
import { groupsOfBuild } from "@/lib/failure-groups/groups-of-build";
import { listCoverageSubjects, subjectFromSearch } from "@/lib/coverage/list-subjects";
import { DomainError } from "@/lib/domain-error";
import { requirePage } from "@/lib/auth/page-guard";

export const dynamic = "force-dynamic";
export const metadata = { title: "Failures" };

const description = "The failure logs of a build or a driver image, grouped by their first compiler, linker or modpost error, so that one fix can be found for many kernels.";
const MAX_KERNELS_SHOWN = 12;

export default async function FailuresPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePage();
  const search = await searchParams;
  const subjects = listCoverageSubjects();
  const ref = subjectFromSearch(search);
  if (!ref) {
    if (subjects.latest) redirect(`/failures?${subjects.latest.kind}=${subjects.latest.id}`);
    return (
      <>
        <PageHeader title="Failures" description={description} />
        <EmptyState title="Nothing to show yet">Failures come from a finished build or a driver image.</EmptyState>
      </>
    );
  }
  const parsed = failuresQuerySchema.safeParse(Object.fromEntries(Object.entries(search).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== "")));
  const filter = parsed.success ? parsed.data : {};
  let view: ReturnType<typeof listFailuresView>;
  try {
    view = listFailuresView(ref, filter);
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== "not_found") throw error;
    return (
      <>
        <PageHeader title="Failures" description={description} />
        <EmptyState title={`No ${ref.kind} ${ref.id}`}>
          <Link href="/failures" className="underline">Show the latest failures</Link>
        </EmptyState>
      </>
    );
  }
  // A build's groups as its workspace has seen them: new ones (first seen in the latest build) come first.
  const history = ref.kind === "build" ? await groupsOfBuild(ref.id) : null;
  const recordOf = (signature: string | null) => history?.bySignature.get(signature) ?? null;
  const rank = (signature: string | null) => {
    const state = recordOf(signature)?.state;
    return state ? GROUP_STATES.indexOf(state) : GROUP_STATES.length;
  };
  view.groups.sort((a, b) => rank(a.signature) - rank(b.signature));
  const key = `${ref.kind}:${ref.id}`;
  const subjectParam = `${ref.kind}=${ref.id}`;
  const cellHref = (f: { kernel: string; moduleVersion: string; flavour: string }) => `/coverage?${subjectParam}&cell=${encodeURIComponent(`${f.kernel}/${f.moduleVersion}/${f.flavour}`)}`;
  const filterHref = (change: Record<string, string | undefined>) => {
    const next = new URLSearchParams({ [ref.kind]: String(ref.id) });
    for (const [k, v] of Object.entries({ flavour: filter.flavour, moduleVersion: filter.moduleVersion, distro: filter.distro, ...change })) if (v) next.set(k, v);
    return `/failures?${next}`;
  };
  // One log per group is opened; the first group's is shown open.
  const examples = new Map(view.groups.slice(0, 20).map((g) => [g.exampleFailureId, getFailureView(g.exampleFailureId)]));
  const pill = (on: boolean) =>
    `rounded-full border px-2.5 py-0.5 text-sm ${on ? "border-blue-700 bg-blue-700 text-white dark:border-blue-400 dark:bg-blue-600" : "border-slate-300 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"}`;
  const moduleVersions = [...new Set(view.groups.flatMap((g) => g.moduleVersions))];
  const families = KERNEL_FAMILIES.filter((f) => view.groups.some((g) => g.families.includes(f.id)) || filter.distro === f.id);
  return (
    <>
      <PageHeader
        title={ref.kind === "build" ? `Failures of build #${ref.id}` : `Failures of image ${ref.id}`}
        description={description}
        actions={
          <div className="flex flex-wrap items-center gap-3">
            <SubjectPicker label="Show" current={key} builds={subjects.builds} images={subjects.images} basePath="/failures" />
            <Link className="rounded-md border border-slate-300 px-3 py-1.5 text-sm dark:border-slate-700" href={`/coverage?${subjectParam}`}>
              Coverage
            </Link>
          </div>
        }
      />
      {!parsed.success ? <p role="alert" className="mb-3 text-sm">⚠ {parsed.error.issues[0]?.message}: the filter is ignored.</p> : null}
      <nav aria-label="Filters" className="mb-4 space-y-2 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
        <div className="flex flex-wrap items-center gap-2">
          <span className="w-32 text-sm font-medium">Flavour</span>
          <Link className={pill(!filter.flavour)} href={filterHref({ flavour: undefined })}>any</Link>
          <Link className={pill(filter.flavour === "mod")} href={filterHref({ flavour: "mod" })}>kernel module</Link>
          <Link className={pill(filter.flavour === "bpf")} href={filterHref({ flavour: "bpf" })}>eBPF probe</Link>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <span className="w-32 text-sm font-medium">Module version</span>
          <Link className={pill(!filter.moduleVersion)} href={filterHref({ moduleVersion: undefined })}>any</Link>
          {[...new Set([...moduleVersions, ...(filter.moduleVersion ? [filter.moduleVersion] : [])])].map((v) => (
            <Link key={v} className={pill(filter.moduleVersion === v)} href={filterHref({ moduleVersion: v })}>
              {v}
            </Link>
          ))}
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <span className="w-32 text-sm font-medium">Distribution</span>
          <Link className={pill(!filter.distro)} href={filterHref({ distro: undefined })}>any</Link>
          {families.map((f) => (
            <Link key={f.id} className={pill(filter.distro === f.id)} href={filterHref({ distro: f.id })}>
              {f.label}
            </Link>
          ))}
        </div>
      </nav>
      {view.total === 0 ? (
        <EmptyState title="No failure here">
          {view.subject.kind === "build" && !view.subject.image ? "This build has no result image yet: failures are read from it when it ends." : "Nothing failed, or the filters leave nothing."}
        </EmptyState>
      ) : (
        <>
          <p className="mb-3 text-sm" data-testid="failures-summary">
            <strong>{view.total}</strong> failure{view.total === 1 ? "" : "s"} in <strong>{view.groups.length}</strong> group{view.groups.length === 1 ? "" : "s"}
            {history ? (
              <>
                {" "}· workspace {history.workspace.name} has <strong>{history.counts.new}</strong> new, {history.counts.ongoing} ongoing and {history.counts.fixed} fixed failure group
                {history.counts.new + history.counts.ongoing + history.counts.fixed === 1 ? "" : "s"}; new ones first
              </>
            ) : null}
          </p>
          <ol className="space-y-4">
            {view.groups.map((g, i) => {
              const example = examples.get(g.exampleFailureId);
              const record = recordOf(g.signature);
              return (
                <li key={g.signature ?? "(empty)"} className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
                  <section aria-labelledby={`group-${i}`}>
                    <div className="flex flex-wrap items-start justify-between gap-3">
                      <h2 id={`group-${i}`} className="min-w-0 break-words font-mono text-sm font-semibold">
                        {g.signature ?? "(an empty log: the builder printed nothing)"}
                      </h2>
                      {record ? (
                        <span className="flex shrink-0 items-center gap-2">
                          <GroupStateBadge state={record.state} />
                          <Link className="text-sm text-blue-700 underline dark:text-blue-300" href={`/failures/groups/${record.id}`}>
                            history: {record.builds} build{record.builds === 1 ? "" : "s"} since #{record.firstSeen.buildId}
                            {record.acknowledgement ? `, owned by ${record.acknowledgement.owner}` : ""}
                          </Link>
                        </span>
                      ) : null}
                      <span className="shrink-0 rounded-full bg-orange-100 px-2.5 py-0.5 text-sm font-semibold text-orange-900 dark:bg-orange-950 dark:text-orange-100">
                        ✕ {g.count} failure{g.count === 1 ? "" : "s"}
                      </span>
                    </div>
                    <dl className="mt-2 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
                      <dt className="text-slate-600 dark:text-slate-400">Kernels ({g.kernels.length})</dt>
                      <dd className="font-mono text-xs leading-5">
                        {g.kernels.slice(0, MAX_KERNELS_SHOWN).join(", ")}
                        {g.kernels.length > MAX_KERNELS_SHOWN ? ` and ${g.kernels.length - MAX_KERNELS_SHOWN} more` : ""}
                      </dd>
                      <dt className="text-slate-600 dark:text-slate-400">Module versions</dt>
                      <dd className="font-mono text-xs leading-5">{g.moduleVersions.join(", ")}</dd>
                      <dt className="text-slate-600 dark:text-slate-400">Flavours · families</dt>
                      <dd>
                        {g.flavours.map((f) => (f === "mod" ? "kernel module" : "eBPF probe")).join(", ")} · {g.families.map((f) => KERNEL_FAMILIES.find((x) => x.id === f)?.label ?? f).join(", ")}
                      </dd>
                    </dl>
                    {example ? (
                      <details className="mt-3" open={i === 0}>
                        <summary className="cursor-pointer text-sm font-medium">
                          Log of {example.kernel} {example.moduleVersion} {example.flavour}
                        </summary>
                        <div className="mt-2">
                          <FailureLog log={example.log} errorLine={example.line} label={`Failure log of ${example.kernel} ${example.moduleVersion} ${example.flavour}`} />
                        </div>
                      </details>
                    ) : null}
                    <details className="mt-2">
                      <summary className="cursor-pointer text-sm font-medium">Every failure of this group</summary>
                      <ul className="mt-2 grid gap-1 text-xs sm:grid-cols-2 lg:grid-cols-3">
                        {g.failures.map((f) => (
                          <li key={f.id} id={`failure-${f.id}`}>
                            <Link className="font-mono text-blue-700 underline-offset-2 hover:underline dark:text-blue-300" href={cellHref(f)}>
                              {f.kernel} {f.moduleVersion} {f.flavour}
                            </Link>
                          </li>
                        ))}
                      </ul>
                    </details>
                  </section>
                </li>
              );
            })}
          </ol>
        </>
      )}
    </>
  );
}
