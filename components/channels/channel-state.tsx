import type { ChannelState } from "@/lib/vocabulary";

// Each state has a word and a symbol, not only a colour.
const LOOK: Record<ChannelState, { label: string; symbol: string; className: string }> = {
  new: { label: "never synced", symbol: "○", className: "border-slate-400 bg-slate-50 text-slate-800 dark:bg-slate-800 dark:text-slate-100" },
  "up-to-date": { label: "up to date", symbol: "✓", className: "border-blue-600 bg-blue-50 text-blue-900 dark:bg-blue-950 dark:text-blue-100" },
  building: { label: "building", symbol: "↻", className: "border-slate-500 bg-white text-slate-900 dark:bg-slate-900 dark:text-slate-100" },
  held: { label: "held at the gate", symbol: "!", className: "border-orange-600 bg-orange-50 text-orange-900 dark:bg-orange-950 dark:text-orange-100" },
  failed: { label: "failed", symbol: "✕", className: "border-red-700 bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-100" },
};

export function ChannelStateBadge({ state }: { state: ChannelState }) {
  const look = LOOK[state];
  return (
    <span className={`inline-flex items-center gap-1 rounded-full border px-2.5 py-0.5 text-sm font-semibold ${look.className}`}>
      <span aria-hidden="true">{look.symbol}</span>
      {look.label}
    </span>
  );
}
