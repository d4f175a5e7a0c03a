// A failure group's state in words and a symbol, so that colour is never the only signal.

const LOOK = {
  new: { symbol: "✱", label: "new", className: "border-red-700 bg-red-50 text-red-900 dark:border-red-400 dark:bg-red-950 dark:text-red-100" },
  ongoing: { symbol: "●", label: "ongoing", className: "border-amber-700 bg-amber-50 text-amber-900 dark:border-amber-400 dark:bg-amber-950 dark:text-amber-100" },
  fixed: { symbol: "✓", label: "fixed", className: "border-emerald-700 bg-emerald-50 text-emerald-900 dark:border-emerald-400 dark:bg-emerald-950 dark:text-emerald-100" },
} as const;

export type GroupStateName = keyof typeof LOOK;

export function GroupStateBadge({ state }: { state: GroupStateName }) {
  const look = LOOK[state];
  return (
    <span className={`inline-flex shrink-0 items-center gap-1 rounded-full border px-2.5 py-0.5 text-xs font-semibold uppercase tracking-wide ${look.className}`} data-testid="group-state">
      <span aria-hidden="true">{look.symbol}</span>
      {look.label}
    </span>
  );
}
