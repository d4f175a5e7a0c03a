"use client";

import type { BuildPlanPreview } from "@/lib/builds/plan/preview-build-plan";
import { ruleLocation } from "@/components/coverage/rule-label";

const n = (v: number) => v.toLocaleString("en");

/** What the build would do, as the task master will plan it. */
export function PlanPreview({ plan, loading, error, shardSplit }: { plan: BuildPlanPreview | undefined; loading: boolean; error: string | null; shardSplit: string | null }) {
  return (
    <section aria-labelledby="plan-heading" aria-busy={loading} className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <div className="flex items-baseline justify-between gap-2">
        <h2 id="plan-heading" className="text-base font-semibold">
          Plan
        </h2>
        <span className="text-xs text-slate-600 dark:text-slate-400" aria-live="polite">
          {loading ? "the workspace's task master is planning…" : plan ? `${plan.workspace.name} at ${plan.branch}${plan.commit ? ` (${plan.commit.slice(0, 12)})` : " (working tree)"}` : ""}
        </span>
      </div>
      {error ? (
        <p role="alert" className="mt-3 rounded border border-amber-500 bg-amber-50 p-2 text-sm dark:bg-amber-950/40">
          ⚠ {error}
        </p>
      ) : null}
      {plan ? (
        <div className="mt-3 space-y-4 text-sm">
          <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="plan-totals">
            <Total label="Tasks" value={plan.total} />
            <Total label="To build" value={plan.toBuild} strong />
            <Total label="From the cache" value={plan.fromCache} />
            <Total label="Blocklisted" value={plan.blocklisted} />
          </dl>
          {plan.problems.length > 0 ? (
            <div role="alert" className="rounded border border-amber-500 bg-amber-50 p-2 dark:bg-amber-950/40">
              <p className="font-semibold">⚠ This build would stop:</p>
              <ul className="list-disc pl-5">
                {plan.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </div>
          ) : null}
          <table className="w-full text-left">
            <caption className="mb-1 text-left text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">Per builder</caption>
            <tbody>
              {Object.entries(plan.perBuilder).map(([builder, count]) => (
                <tr key={builder} className="border-t border-slate-200 dark:border-slate-800">
                  <th scope="row" className="py-1 font-normal">
                    {builder === "rhel-8" ? "RHEL 8 builder (kernels 4.x–9.x)" : "RHEL 7 builder (kernels 0.x–3.x)"}
                  </th>
                  <td className="py-1 pl-3 text-right tabular-nums">{n(count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="w-full text-left">
            <caption className="mb-1 text-left text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">Per module version</caption>
            <thead className="text-xs text-slate-600 dark:text-slate-400">
              <tr>
                <th scope="col" className="py-1 font-medium">Module version</th>
                <th scope="col" className="py-1 pl-3 text-right font-medium">mod</th>
                <th scope="col" className="py-1 pl-3 text-right font-medium">bpf</th>
                <th scope="col" className="py-1 pl-3 text-right font-medium">cached</th>
                <th scope="col" className="py-1 pl-3 text-right font-medium">blocked</th>
              </tr>
            </thead>
            <tbody>
              {plan.moduleVersions.map((v) => {
                const c = plan.perModuleVersion[v.moduleVersion] ?? { mod: 0, bpf: 0, fromCache: 0, blocklisted: 0 };
                return (
                  <tr key={v.moduleVersion} className="border-t border-slate-200 dark:border-slate-800">
                    <th scope="row" className="py-1 font-mono font-normal">
                      {v.moduleVersion}
                      {v.bpf ? null : <span className="ml-2 font-sans text-xs text-slate-600 dark:text-slate-400">no eBPF probe</span>}
                    </th>
                    <td className="py-1 pl-3 text-right tabular-nums">{n(c.mod)}</td>
                    <td className="py-1 pl-3 text-right tabular-nums">{v.bpf ? n(c.bpf) : "—"}</td>
                    <td className="py-1 pl-3 text-right tabular-nums">{n(c.fromCache)}</td>
                    <td className="py-1 pl-3 text-right tabular-nums">{n(c.blocklisted)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="text-slate-700 dark:text-slate-300">
            {n(plan.kernels.count)} kernel{plan.kernels.count === 1 ? "" : "s"} from {plan.kernels.source === "bundles" ? "the stored bundles" : "kernel-modules/KERNEL_VERSIONS"}
            {plan.cache ? (
              <>
                ; cache <code className="font-mono">{plan.cache.image}</code>
                {plan.cache.status === "read" ? ` holds ${n(plan.cache.tasks ?? 0)} task results` : `: ${plan.cache.error}`}
              </>
            ) : (
              "; no cache: every task is built"
            )}
            .
          </p>
          {shardSplit ? <p data-testid="plan-shards" className="text-slate-700 dark:text-slate-300">{shardSplit}</p> : null}
          {plan.notPlanned > 0 ? (
            <p className="text-slate-700 dark:text-slate-300" data-testid="plan-not-planned">
              {n(plan.notPlanned)} task{plan.notPlanned === 1 ? "" : "s"} not planned by the task master, neither cached nor blocklisted
              {plan.kernels.leftOut.length > 0 ? (
                <>
                  {" "}
                  (kernels without any task: <code className="font-mono">{plan.kernels.leftOut.slice(0, 10).join(", ")}</code>
                  {plan.kernels.leftOut.length > 10 ? ` and ${plan.kernels.leftOut.length - 10} more` : ""})
                </>
              ) : null}
              .
            </p>
          ) : null}
          {plan.blocklistedTasks.length > 0 ? (
            <details>
              <summary className="cursor-pointer">Blocklisted tasks and the rule that removes each</summary>
              <ul className="mt-1 max-h-48 overflow-auto font-mono text-xs">
                {plan.blocklistedTasks.map((t) => (
                  <li key={`${t.kernel} ${t.moduleVersion} ${t.flavour}`}>
                    {t.kernel} {t.moduleVersion} {t.flavour} ← {ruleLocation(t.rule)}: {t.rule.text}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
          {plan.blocklistProblems.length > 0 ? (
            <div className="rounded border border-amber-500 p-2">
              <p className="font-semibold">⚠ BLOCKLIST rules that match nothing because they are invalid:</p>
              <ul className="list-disc pl-5 font-mono text-xs">
                {plan.blocklistProblems.map((p) => (
                  <li key={`${p.file}:${p.line}`}>
                    {p.file} line {p.line}: {p.text} — {p.error}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function Total({ label, value, strong = false }: { label: string; value: number; strong?: boolean }) {
  return (
    <div>
      <dt className="text-xs text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className={`tabular-nums ${strong ? "text-2xl font-bold" : "text-lg font-semibold"}`}>{n(value)}</dd>
    </div>
  );
}
