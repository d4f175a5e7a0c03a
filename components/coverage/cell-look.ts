import type { CellState } from "./grid-model";

// Okabe–Ito colours, which colour-blind readers tell apart, each with a
// symbol so that no state depends on colour alone.
export const CELL_LOOK: Record<CellState, { symbol: string; label: string; className: string; hint: string }> = {
  built: { symbol: "✓", label: "built", className: "bg-[#0072B2] text-white", hint: "the driver is in the image" },
  cached: { symbol: "C", label: "cached", className: "bg-[#56B4E9] text-slate-950", hint: "the driver came from the cache image" },
  failed: { symbol: "✕", label: "failed", className: "bg-[#D55E00] text-white", hint: "the build failed; its log is kept" },
  unavailable: {
    symbol: "–",
    label: "unavailable",
    className: "bg-slate-300 text-slate-900 dark:bg-slate-600 dark:text-white",
    hint: "a marker says no driver can exist (for example no eBPF probe for this kernel)",
  },
  blocklisted: { symbol: "⊘", label: "blocklisted", className: "bg-[#CC79A7] text-slate-950", hint: "a BLOCKLIST rule removed the task" },
  missing: { symbol: "?", label: "missing", className: "bg-[#E69F00] text-slate-950", hint: "planned, but neither built nor failed" },
  notPlanned: {
    symbol: "·",
    label: "not planned",
    className: "bg-white text-slate-400 dark:bg-slate-900 dark:text-slate-500",
    hint: "no task: this kernel or module version was not part of the plan",
  },
};
