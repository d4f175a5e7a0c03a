import type { BuildStatus, StageStatus } from "./build-types";

// Every status has its own shape and word; colour only adds to them (blue
// for good, orange for bad, violet for work in progress, grey for the rest),
// so the states stay apart for readers who do not tell red from green.

type Shape = "clock" | "spinner" | "check" | "half" | "cross" | "slash" | "alert" | "circle" | "layers" | "skip";

const BUILD: Record<BuildStatus, { label: string; shape: Shape; tone: string }> = {
  queued: { label: "Queued", shape: "clock", tone: "text-slate-700 bg-slate-100 ring-slate-300 dark:text-slate-200 dark:bg-slate-800 dark:ring-slate-600" },
  running: { label: "Running", shape: "spinner", tone: "text-violet-800 bg-violet-50 ring-violet-300 dark:text-violet-200 dark:bg-violet-950 dark:ring-violet-700" },
  succeeded: { label: "Succeeded", shape: "check", tone: "text-blue-800 bg-blue-50 ring-blue-300 dark:text-blue-200 dark:bg-blue-950 dark:ring-blue-700" },
  // Half a check: a usable result that lacks some kernels.
  partial: { label: "Partial", shape: "half", tone: "text-amber-900 bg-amber-50 ring-amber-400 dark:text-amber-200 dark:bg-amber-950 dark:ring-amber-700" },
  failed: { label: "Failed", shape: "cross", tone: "text-orange-800 bg-orange-50 ring-orange-400 dark:text-orange-200 dark:bg-orange-950 dark:ring-orange-700" },
  cancelled: { label: "Cancelled", shape: "slash", tone: "text-slate-700 bg-slate-100 ring-slate-300 dark:text-slate-200 dark:bg-slate-800 dark:ring-slate-600" },
  interrupted: { label: "Interrupted", shape: "alert", tone: "text-amber-900 bg-amber-50 ring-amber-400 dark:text-amber-200 dark:bg-amber-950 dark:ring-amber-700" },
};

const STAGE: Record<StageStatus, { label: string; shape: Shape; tone: string }> = {
  waiting: { label: "waiting", shape: "circle", tone: "text-slate-500 dark:text-slate-400" },
  running: { label: "running", shape: "spinner", tone: "text-violet-700 dark:text-violet-300" },
  done: { label: "done", shape: "check", tone: "text-blue-700 dark:text-blue-300" },
  cached: { label: "cached", shape: "layers", tone: "text-slate-600 dark:text-slate-300" },
  failed: { label: "failed", shape: "cross", tone: "text-orange-700 dark:text-orange-300" },
  cancelled: { label: "cancelled", shape: "slash", tone: "text-slate-500 dark:text-slate-400" },
  skipped: { label: "skipped", shape: "skip", tone: "text-slate-500 dark:text-slate-400" },
};

export function StatusIcon({ shape, className = "" }: { shape: Shape; className?: string }) {
  const common = { width: 16, height: 16, viewBox: "0 0 16 16", fill: "none", stroke: "currentColor", strokeWidth: 2, strokeLinecap: "round" as const, strokeLinejoin: "round" as const, "aria-hidden": true, className: `shrink-0 ${className}` };
  switch (shape) {
    case "clock":
      return (
        <svg {...common}>
          <circle cx="8" cy="8" r="6" />
          <path d="M8 4.5V8l2.5 1.5" />
        </svg>
      );
    case "spinner":
      return (
        <svg {...common} className={`${common.className} motion-safe:animate-spin`}>
          <circle cx="8" cy="8" r="6" strokeOpacity="0.3" />
          <path d="M14 8a6 6 0 0 0-6-6" />
        </svg>
      );
    case "check":
      return (
        <svg {...common}>
          <circle cx="8" cy="8" r="6.5" />
          <path d="M5 8.2l2 2 4-4.4" />
        </svg>
      );
    case "half":
      return (
        <svg {...common}>
          <circle cx="8" cy="8" r="6.5" strokeDasharray="3 2" />
          <path d="M5 8.2l2 2 4-4.4" />
        </svg>
      );
    case "cross":
      return (
        <svg {...common}>
          <circle cx="8" cy="8" r="6.5" />
          <path d="M5.7 5.7l4.6 4.6M10.3 5.7l-4.6 4.6" />
        </svg>
      );
    case "slash":
      return (
        <svg {...common}>
          <circle cx="8" cy="8" r="6.5" />
          <path d="M3.5 12.5l9-9" />
        </svg>
      );
    case "alert":
      return (
        <svg {...common}>
          <path d="M8 1.8l6.5 11.7h-13z" />
          <path d="M8 6.2v3.3M8 11.6v.1" />
        </svg>
      );
    case "circle":
      return (
        <svg {...common}>
          <circle cx="8" cy="8" r="5.5" strokeDasharray="2.5 2" />
        </svg>
      );
    case "layers":
      return (
        <svg {...common}>
          <path d="M8 2l6 3-6 3-6-3z" />
          <path d="M2 8.2l6 3 6-3M2 11.2l6 3 6-3" />
        </svg>
      );
    case "skip":
      return (
        <svg {...common}>
          <path d="M3 8h8M8.5 4.5L12 8l-3.5 3.5" />
        </svg>
      );
  }
}

export function BuildStatusBadge({ status, large = false }: { status: BuildStatus; large?: boolean }) {
  const s = BUILD[status];
  return (
    <span
      data-testid="build-status"
      data-status={status}
      className={`inline-flex items-center gap-1.5 rounded-full font-semibold ring-1 ring-inset ${s.tone} ${large ? "px-3 py-1 text-sm" : "px-2 py-0.5 text-xs"}`}
    >
      <StatusIcon shape={s.shape} />
      {s.label}
    </span>
  );
}

export function StageStatusLabel({ status, className = "" }: { status: StageStatus; className?: string }) {
  const s = STAGE[status];
  return (
    <span data-stage-status={status} className={`inline-flex items-center gap-1 text-xs font-medium ${s.tone} ${className}`}>
      <StatusIcon shape={s.shape} />
      {s.label}
    </span>
  );
}

export const BUILD_STATUSES = Object.keys(BUILD) as BuildStatus[];
export const buildStatusLabel = (status: BuildStatus) => BUILD[status].label;
