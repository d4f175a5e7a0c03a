import Link from "next/link";
import { CELL_LOOK } from "@/components/coverage/cell-look";
import { SubjectPicker } from "@/components/coverage/subject-picker";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import type { CellChange } from "@/lib/coverage/compare-coverage";
import { subjectRefSchema } from "@/lib/coverage/coverage-schemas";
import { getComparisonView } from "@/lib/coverage/coverage-view";
import { listCoverageSubjects } from "@/lib/coverage/list-subjects";
import { DomainError } from "@/lib/domain-error";
import { requirePage } from "@/lib/auth/page-guard";
import { ruleLocation } from "@/components/coverage/rule-label";

export const dynamic = "force-dynamic";
export const metadata = { title: "Compare coverage" };

const LIMIT = 5000;

export default async function ComparePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePage();
  const search = await searchParams;
  const subjects = listCoverageSubjects();
  const all = [...subjects.builds, ...subjects.images];
  const from = subjectRefSchema.safeParse(search.from);
  const to = subjectRefSchema.safeParse(search.to);
  const fromKey = from.success ? `${from.data.kind}:${from.data.id}` : (all[1]?.value ?? all[0]?.value ?? "");
  const toKey = to.success ? `${to.data.kind}:${to.data.id}` : (all[0]?.value ?? "");
  const header = (
    <PageHeader
      title="Compare coverage"
      description="Two builds or driver images side by side, showing only what changed: regressions first (a driver that is gone, failed or missing), then fixes."
    />
  );
  if (all.length < 1) {
    return (
      <>
        {header}
        <EmptyState title="Nothing to compare yet">Compare needs two finished builds or read images.</EmptyState>
      </>
    );
  }
  const pickers = (
    <div className="mb-4 flex flex-wrap items-center gap-4 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
      <SubjectPicker label="From" current={fromKey} builds={subjects.builds} images={subjects.images} basePath={`/coverage/compare`} param="from" extra={{ to: toKey }} />
      <span aria-hidden="true">→</span>
      <SubjectPicker label="To" current={toKey} builds={subjects.builds} images={subjects.images} basePath={`/coverage/compare`} param="to" extra={{ from: fromKey }} />
    </div>
  );
  if (!from.success || !to.success) {
    return (
      <>
        {header}
        {pickers}
        <p className="text-sm">Choose the two sides to compare.</p>
      </>
    );
  }
  let view: ReturnType<typeof getComparisonView>;
  try {
    view = getComparisonView(from.data, to.data, LIMIT);
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== "not_found") throw error;
    return (
      <>
        {header}
        {pickers}
        <p role="alert">⚠ {error.message}</p>
      </>
    );
  }
  const toParam = `${to.data.kind}=${to.data.id}`;
  const groups: { kind: CellChange["kind"]; title: string; explain: string }[] = [
    { kind: "regression", title: "Regressions", explain: "worse in the second: a driver gone, or a task now failed or missing" },
    { kind: "fix", title: "Fixes", explain: "better in the second: a driver where there was a failure or nothing" },
    { kind: "change", title: "Other changes", explain: "neither better nor worse, for example built → cached, or a newly blocklisted task" },
  ];
  const counts = { regression: view.counts.regressions, fix: view.counts.fixes, change: view.counts.changes };
  return (
    <>
      {header}
      {pickers}
      <p className="mb-2 text-sm">
        Module versions compared:{" "}
        {view.moduleVersions.map((p, i) => (
          <span key={i} className="font-mono">
            {i ? ", " : ""}
            {p.from ?? "—"} → {p.to ?? "—"}
          </span>
        ))}
      </p>
      <dl className="mb-4 grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="compare-counts">
        {[
          ["Regressions", view.counts.regressions],
          ["Fixes", view.counts.fixes],
          ["Other changes", view.counts.changes],
          ["Unchanged", view.counts.unchanged],
        ].map(([label, n]) => (
          <div key={label} className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
            <dt className="text-xs text-slate-600 dark:text-slate-400">{label}</dt>
            <dd className="text-2xl font-bold tabular-nums">{Number(n).toLocaleString("en")}</dd>
          </div>
        ))}
      </dl>
      {view.truncated ? <p className="mb-3 text-sm">The first {LIMIT.toLocaleString("en")} changes are listed; the counts cover all of them.</p> : null}
      {view.changes.length === 0 ? (
        <EmptyState title="No cell changed">Both sides have the same state in every cell.</EmptyState>
      ) : (
        groups.map((group) => {
          const rows = view.changes.filter((c) => c.kind === group.kind);
          if (rows.length === 0) return null;
          return (
            <section key={group.kind} aria-labelledby={`h-${group.kind}`} className="mb-6">
              <h2 id={`h-${group.kind}`} className="text-lg font-semibold">
                {group.title} ({counts[group.kind].toLocaleString("en")})
              </h2>
              <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">{group.explain}</p>
              <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
                <table className="w-full text-left text-sm">
                  <caption className="sr-only">{group.title}</caption>
                  <thead className="bg-slate-100 text-xs uppercase tracking-wide text-slate-600 dark:bg-slate-800 dark:text-slate-300">
                    <tr>
                      <th scope="col" className="px-3 py-2">Kernel</th>
                      <th scope="col" className="px-3 py-2">Module version</th>
                      <th scope="col" className="px-3 py-2">Flavour</th>
                      <th scope="col" className="px-3 py-2">Was</th>
                      <th scope="col" className="px-3 py-2">Is</th>
                      <th scope="col" className="px-3 py-2">Details</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((c) => (
                      <tr key={`${c.kernel} ${c.fromModuleVersion} ${c.toModuleVersion} ${c.flavour}`} className="border-t border-slate-200 dark:border-slate-800">
                        <th scope="row" className="px-3 py-1.5 font-mono text-xs font-normal">{c.kernel}</th>
                        <td className="px-3 py-1.5 font-mono text-xs">{c.fromModuleVersion === c.toModuleVersion ? c.toModuleVersion : `${c.fromModuleVersion ?? "—"} → ${c.toModuleVersion ?? "—"}`}</td>
                        <td className="px-3 py-1.5">{c.flavour}</td>
                        <td className="px-3 py-1.5"><State state={c.from} /></td>
                        <td className="px-3 py-1.5"><State state={c.to} /></td>
                        <td className="px-3 py-1.5">
                          {c.toModuleVersion ? (
                            <Link className="text-blue-700 underline dark:text-blue-300" href={`/coverage?${toParam}&cell=${encodeURIComponent(`${c.kernel}/${c.toModuleVersion}/${c.flavour}`)}`}>
                              {c.failureId ? "log" : "cell"}
                            </Link>
                          ) : null}
                          {c.rule?.text ? <span className="ml-2 font-mono text-xs">{ruleLocation(c.rule)}: {c.rule.text}</span> : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          );
        })
      )}
    </>
  );
}

function State({ state }: { state: keyof typeof CELL_LOOK }) {
  const look = CELL_LOOK[state];
  return (
    <span className="inline-flex items-center gap-1.5">
      <span aria-hidden="true" className={`inline-flex size-5 items-center justify-center rounded-sm text-xs font-bold ${look.className}`}>
        {look.symbol}
      </span>
      {look.label}
    </span>
  );
}
