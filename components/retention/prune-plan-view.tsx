import { formatBytes, formatDate } from "@/components/format";
import type { PrunePlan } from "@/lib/retention/plan-prune";

const reasonText = { age: "older than the limit", count: "past the newest kept" } as const;

/** What a prune removed, or a dry run would remove, record by record. */
export function PrunePlanView({ plan, dryRun }: { plan: PrunePlan; dryRun: boolean }) {
  const t = plan.totals;
  const verb = dryRun ? "would remove" : "removed";
  const nothing = t.builds + t.logLines + t.failures + t.images + t.auditRows === 0;
  return (
    <div role="status" className="mt-4 rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900">
      <h3 className="font-semibold">{dryRun ? "Dry run" : "Pruned"} at {formatDate(new Date(plan.at))}</h3>
      {nothing ? (
        <p className="mt-1">The policy {verb} nothing.</p>
      ) : (
        <p className="mt-1">
          The policy {verb} {t.builds} build(s), {t.logLines.toLocaleString("en")} log line(s) ({formatBytes(t.logBytes)}), {t.failures} failure log(s), {t.images} image record(s) and {t.auditRows} audit row(s).
        </p>
      )}
      {plan.builds.length > 0 && (
        <table className="mt-3 w-full text-left">
          <caption className="py-1 text-left font-medium">Builds</caption>
          <thead>
            <tr className="border-b border-slate-300 dark:border-slate-700">
              <th scope="col" className="py-1 pr-3">Build</th>
              <th scope="col" className="py-1 pr-3">Status</th>
              <th scope="col" className="py-1 pr-3">Workspace</th>
              <th scope="col" className="py-1 pr-3">Started</th>
              <th scope="col" className="py-1 pr-3">Log</th>
              <th scope="col" className="py-1">Why</th>
            </tr>
          </thead>
          <tbody>
            {plan.builds.map((b) => (
              <tr key={b.id} className="border-b border-slate-200 dark:border-slate-800">
                <th scope="row" className="py-1 pr-3 font-mono font-normal">
                  #{b.id} {b.kind !== "drivers" ? `(${b.kind})` : ""}
                  {b.shards.length ? ` + ${b.shards.length} shard(s)` : ""}
                </th>
                <td className="py-1 pr-3">{b.status}</td>
                <td className="py-1 pr-3">{b.workspace ?? "none"}</td>
                <td className="py-1 pr-3 whitespace-nowrap">{formatDate(new Date(b.createdAt))}</td>
                <td className="py-1 pr-3 whitespace-nowrap">{formatBytes(b.logBytes)}</td>
                <td className="py-1">{reasonText[b.reason]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {plan.logs.length > 0 && (
        <p className="mt-3">
          Logs of kept builds: {plan.logs.map((l) => `#${l.buildId} (${formatBytes(l.bytes)})`).join(", ")}.
        </p>
      )}
      {plan.images.length > 0 && (
        <p className="mt-3">
          Image records (with their drivers and failure logs): {plan.images.map((i) => `#${i.id} ${i.ref ?? i.dockerId.slice(7, 19)}`).join(", ")}.
        </p>
      )}
      {plan.failures.length > 0 && <p className="mt-3">Failure logs of kept images: {plan.failures.map((f) => `#${f.imageId} (${f.count})`).join(", ")}.</p>}
      {plan.audit.rows > 0 && <p className="mt-3">Audit rows from {formatDate(new Date(plan.audit.oldest!))} to {formatDate(new Date(plan.audit.newest!))}.</p>}
      {plan.keptImages.length > 0 && (
        <p className="mt-3 text-slate-600 dark:text-slate-400">
          Kept although the policy names them: {plan.keptImages.map((i) => `#${i.id} ${i.ref ?? ""} (${i.why})`).join("; ")}.
        </p>
      )}
    </div>
  );
}
