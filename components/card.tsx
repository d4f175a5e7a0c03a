import type { ReactNode } from "react";

export function Card({ title, children, tone = "plain" }: { title: string; children: ReactNode; tone?: "plain" | "warning" }) {
  const border =
    tone === "warning"
      ? "border-amber-400 bg-amber-50 dark:border-amber-600 dark:bg-amber-950/40"
      : "border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900";
  return (
    <section aria-label={title} className={`rounded-lg border p-4 ${border}`}>
      <h2 className="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">{title}</h2>
      {children}
    </section>
  );
}

export function Stat({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums break-words">{value}</dd>
    </div>
  );
}
