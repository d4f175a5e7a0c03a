// Coverage figures as the trend pages write them.

/** 0.9843 → "98.4 %"; null → "none". */
export const formatCoverage = (value: number | null | undefined) => (value === null || value === undefined ? "none" : `${(value * 100).toFixed(1)} %`);

/** A change in coverage as percentage points with its direction in words and arrow: "▼ 3.1 pts". */
export function formatChange(change: number | null | undefined): { text: string; tone: "up" | "down" | "flat" | "none" } {
  if (change === null || change === undefined) return { text: "no build a week ago", tone: "none" };
  const points = change * 100;
  if (Math.abs(points) < 0.05) return { text: "= unchanged", tone: "flat" };
  return points > 0 ? { text: `▲ up ${points.toFixed(1)} pts`, tone: "up" } : { text: `▼ down ${(-points).toFixed(1)} pts`, tone: "down" };
}

export const CHANGE_TONE = {
  up: "text-emerald-800 dark:text-emerald-300",
  down: "font-semibold text-red-800 dark:text-red-300",
  flat: "text-slate-700 dark:text-slate-300",
  none: "text-slate-600 dark:text-slate-400",
} as const;

export const FLAVOUR_LABEL = { mod: "kernel module", bpf: "eBPF probe" } as const;
