"use client";

import { useState, useTransition } from "react";
import { FormError, inputClass, submitClass } from "@/components/form-parts";
import type { PrunePlan } from "@/lib/retention/plan-prune";
import type { RetentionPolicy, WorkspaceRetention } from "@/lib/retention/retention-schemas";
import { PrunePlanView } from "./prune-plan-view";
import { RuleRow, RuleTableHead, ruleOf, ruleText, type RuleText } from "./rule-inputs";

type Settings = { default: RetentionPolicy; workspaces: { workspaceId: number; name: string; override: WorkspaceRetention | null }[] };
type Done = { error: string } | { ok: true };
type Actions = { set: (input: unknown) => Promise<Done>; prune: (dryRun: boolean) => Promise<{ error: string } | { plan: PrunePlan }> };

const KINDS = [
  { key: "builds", label: "Builds", hint: "with their stages, tasks, logs and shards; queued and running ones stay" },
  { key: "logs", label: "Build logs", hint: "the log of a build that is kept" },
  { key: "failures", label: "Failure logs", hint: "of images that are kept" },
  { key: "images", label: "Image records", hint: "with their drivers; a cache, a pushed image and what a kept or running build uses stay" },
  { key: "audit", label: "Audit rows", hint: "the oldest go first" },
] as const;

type PolicyText = Record<(typeof KINDS)[number]["key"], RuleText>;
const textOf = (p: RetentionPolicy): PolicyText => ({ builds: ruleText(p.builds), logs: ruleText(p.logs), failures: ruleText(p.failures), images: ruleText(p.images), audit: ruleText(p.audit) });
const describe = (r: RuleText) => [r.maxAgeDays ? `${r.maxAgeDays} days` : null, r.maxCount ? `newest ${r.maxCount}` : null].filter(Boolean).join(", ") || "no limit";

/** Settings → Retention: how long records are kept, per workspace overrides, a dry run and a prune now. */
export function RetentionSection({ settings, actions }: { settings: Settings; actions: Actions }) {
  const [policy, setPolicy] = useState<PolicyText>(textOf(settings.default));
  const [workspaceId, setWorkspaceId] = useState<string>(String(settings.workspaces[0]?.workspaceId ?? ""));
  const first = settings.workspaces[0]?.override ?? settings.default;
  const [override, setOverride] = useState<Pick<PolicyText, "builds" | "logs">>({ builds: ruleText(first.builds), logs: ruleText(first.logs) });
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [result, setResult] = useState<{ plan: PrunePlan; dryRun: boolean } | null>(null);
  const [pending, startTransition] = useTransition();

  const run = (label: string, change: () => Promise<Done>) => {
    setError(null);
    setSaved(null);
    startTransition(async () => {
      const done = await change();
      if ("error" in done) setError(done.error);
      else setSaved(label);
    });
  };
  const saveDefault = (event: React.FormEvent) => {
    event.preventDefault();
    run("Default policy saved.", () => actions.set({ default: Object.fromEntries(KINDS.map((k) => [k.key, ruleOf(policy[k.key])])) }));
  };
  const saveOverride = (event: React.FormEvent) => {
    event.preventDefault();
    run("Workspace policy saved.", () => actions.set({ workspaceId: Number(workspaceId), override: { builds: ruleOf(override.builds), logs: ruleOf(override.logs) } }));
  };
  const prune = (dryRun: boolean) => {
    if (!dryRun && !window.confirm("Remove every record the policy names now? This cannot be undone.")) return;
    setError(null);
    startTransition(async () => {
      const done = await actions.prune(dryRun);
      if ("error" in done) setError(done.error);
      else setResult({ plan: done.plan, dryRun });
    });
  };

  return (
    <section aria-labelledby="retention-heading" className="mt-10 max-w-4xl">
      <h2 id="retention-heading" className="text-lg font-semibold">Retention</h2>
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        How long records are kept, by days since they ended and by how many of the newest stay (empty: no limit). Kobuild prunes five minutes after it starts and every hour after; each prune is in the audit log. A workspace&apos;s own rules replace the default for its builds and their logs.
      </p>
      <form onSubmit={saveDefault} aria-label="Default retention policy" className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full text-left text-sm">
          <RuleTableHead caption="Default retention policy" />
          <tbody>
            {KINDS.map((k) => (
              <RuleRow key={k.key} idPrefix={`retention-${k.key}`} label={k.label} hint={k.hint} value={policy[k.key]} onChange={(v) => setPolicy({ ...policy, [k.key]: v })} />
            ))}
          </tbody>
        </table>
        <button type="submit" className={`${submitClass} mt-3`} disabled={pending}>Save default policy</button>
      </form>

      {settings.workspaces.length > 0 && (
        <form onSubmit={saveOverride} aria-label="A workspace's retention policy" className="mt-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
          <h3 className="font-medium">Per workspace</h3>
          <ul className="my-2 text-sm">
            {settings.workspaces.map((w) => (
              <li key={w.workspaceId} className="flex items-center gap-3 py-0.5">
                <span className="font-medium">{w.name}</span>
                <span className="text-slate-600 dark:text-slate-400">{w.override ? `own rules: builds ${describe(ruleText(w.override.builds))}; logs ${describe(ruleText(w.override.logs))}` : "the default"}</span>
                {w.override && (
                  <button type="button" className="rounded border border-slate-300 px-2 py-0.5 dark:border-slate-700" disabled={pending} onClick={() => run(`${w.name} follows the default again.`, () => actions.set({ workspaceId: w.workspaceId, override: null }))}>
                    Use the default
                  </button>
                )}
              </li>
            ))}
          </ul>
          <label htmlFor="retention-workspace" className="mr-2 text-sm font-medium">Workspace</label>
          <select id="retention-workspace" className={`${inputClass} w-auto`} value={workspaceId} onChange={(e) => {
              setWorkspaceId(e.target.value);
              const own = settings.workspaces.find((w) => String(w.workspaceId) === e.target.value)?.override ?? settings.default;
              setOverride({ builds: ruleText(own.builds), logs: ruleText(own.logs) });
            }}>
            {settings.workspaces.map((w) => (
              <option key={w.workspaceId} value={w.workspaceId}>{w.name}</option>
            ))}
          </select>
          <table className="mt-2 w-full text-left text-sm">
            <RuleTableHead caption="The workspace's retention policy" />
            <tbody>
              <RuleRow idPrefix="retention-ws-builds" label="Builds" hint={KINDS[0].hint} value={override.builds} onChange={(v) => setOverride({ ...override, builds: v })} />
              <RuleRow idPrefix="retention-ws-logs" label="Build logs" hint={KINDS[1].hint} value={override.logs} onChange={(v) => setOverride({ ...override, logs: v })} />
            </tbody>
          </table>
          <button type="submit" className={`${submitClass} mt-3`} disabled={pending || !workspaceId}>Save for this workspace</button>
        </form>
      )}

      <div className="mt-4 flex flex-wrap items-center gap-3">
        <button type="button" className="rounded border border-slate-300 px-3 py-1.5 text-sm font-medium dark:border-slate-700" disabled={pending} onClick={() => prune(true)}>
          Dry run: list what would go
        </button>
        <button type="button" className="rounded border border-red-700 px-3 py-1.5 text-sm font-medium text-red-800 dark:border-red-400 dark:text-red-300" disabled={pending} onClick={() => prune(false)}>
          Prune now
        </button>
        {saved && <span role="status" className="text-sm">{saved}</span>}
      </div>
      <div className="mt-2"><FormError error={error} /></div>
      {result && <PrunePlanView plan={result.plan} dryRun={result.dryRun} />}
    </section>
  );
}
