// A build's status as a word with an icon: never colour alone.
export type BuildStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled" | "interrupted";

const looks: Record<BuildStatus, { icon: string; label: string; className: string }> = {
  queued: { icon: "◷", label: "Queued", className: "border-slate-400 bg-slate-100 text-slate-800 dark:border-slate-500 dark:bg-slate-800 dark:text-slate-100" },
  running: { icon: "▶", label: "Running", className: "border-blue-500 bg-blue-50 text-blue-900 dark:border-blue-400 dark:bg-blue-950 dark:text-blue-100" },
  succeeded: { icon: "✓", label: "Succeeded", className: "border-teal-600 bg-teal-50 text-teal-900 dark:border-teal-400 dark:bg-teal-950 dark:text-teal-100" },
  failed: { icon: "✕", label: "Failed", className: "border-orange-600 bg-orange-50 text-orange-900 dark:border-orange-400 dark:bg-orange-950 dark:text-orange-100" },
  cancelled: { icon: "⊘", label: "Cancelled", className: "border-slate-500 bg-white text-slate-700 dark:border-slate-400 dark:bg-slate-900 dark:text-slate-200" },
  interrupted: { icon: "!", label: "Interrupted", className: "border-amber-600 bg-amber-50 text-amber-900 dark:border-amber-400 dark:bg-amber-950 dark:text-amber-100" },
};

export function BuildStatusBadge({ status }: { status: BuildStatus }) {
  const look = looks[status];
  return (
    <span data-status={status} className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full border px-2 py-0.5 text-xs font-semibold ${look.className}`}>
      <span aria-hidden="true" className={status === "running" ? "motion-safe:animate-pulse" : undefined}>
        {look.icon}
      </span>
      {look.label}
    </span>
  );
}

export const BUILD_STATUSES = Object.keys(looks) as BuildStatus[];
export const statusLabel = (s: BuildStatus) => looks[s].label;
