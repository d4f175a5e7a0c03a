import { Fragment, type ReactNode } from "react";
import type { BuildViewJson, StageStatus, StageView } from "./build-types";
import { formatDuration } from "./format-time";
import { LogSectionLink } from "./log-link";
import { stageLabel, stageLabelTitle } from "./stage-label";
import { stageSpan } from "./stage-span";
import { StageStatusLabel } from "./status-badge";

// Name, status, bar and duration in a row; on narrow screens the bar goes under the other three.
const GRID = "grid grid-cols-[minmax(0,1fr)_6.5rem_4.5rem] items-center gap-x-3 sm:grid-cols-[minmax(7rem,11rem)_6.5rem_1fr_4.5rem]";

const BAR: Record<StageStatus, string> = {
  waiting: "",
  running: "bar-running",
  done: "bg-blue-600 dark:bg-blue-500",
  cached: "bar-cached",
  failed: "bar-failed",
  cancelled: "bar-cancelled",
  skipped: "",
};

/**
 * A Gantt chart of the stages: each bar starts where the stage started,
 * relative to the build's start, and is as long as it took; a running
 * stage's bar grows with the clock. `inside` goes under the row of one stage
 * (a sharded build's lanes under its "shards" stage), so the page reads in
 * the order things happen.
 */
export function StageTimeline({ build, now, inside }: { build: BuildViewJson; now: number | null; inside?: { stage: string; content: ReactNode } }) {
  const start = build.startedAt ? Date.parse(build.startedAt) : null;
  const stageEnds = build.stages.map((s) => (s.finishedAt ? Date.parse(s.finishedAt) : 0));
  const end = build.finishedAt ? Date.parse(build.finishedAt) : Math.max(now ?? (start ?? 0) + (build.durationMs ?? 0), ...stageEnds);
  const span = start !== null ? Math.max(end - start, 1) : 1;
  return (
    <section aria-labelledby="stages-title" className="mb-5 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="stages-title" className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">
          Stages
        </h2>
        <Legend />
      </div>
      {build.stages.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {build.status === "queued" ? "The build waits in the queue; its stages appear when it starts." : build.status === "running" ? "Reading the Dockerfile…" : "No stage ran."}
        </p>
      ) : (
        <>
          <div className={`${GRID} text-xs text-slate-500 dark:text-slate-400`} aria-hidden>
            <span className="hidden sm:block" />
            <span className="hidden sm:block" />
            <div className="relative col-span-3 h-4 sm:col-span-1">
              {[0, 0.25, 0.5, 0.75, 1].map((f) => (
                <span key={f} className="absolute top-0 -translate-x-1/2 whitespace-nowrap tabular-nums first:translate-x-0 last:-translate-x-full" style={{ left: `${f * 100}%` }}>
                  {formatDuration(f * span)}
                </span>
              ))}
            </div>
            <span className="hidden sm:block" />
          </div>
          <ol className="space-y-1">
            {build.stages.map((stage) => (
              <Fragment key={stage.name}>
                <StageRow stage={stage} label={stageLabel(stage.name, build.stages)} title={stageLabelTitle(stage.name, build.stages)} buildStartedAt={build.startedAt} span={span} now={end} />
                {inside?.stage === stage.name ? <li className="py-1 sm:ml-6">{inside.content}</li> : null}
              </Fragment>
            ))}
          </ol>
        </>
      )}
      {inside && !build.stages.some((s) => s.name === inside.stage) ? <div className="mt-3">{inside.content}</div> : null}
    </section>
  );
}

function StageRow({ stage, label, title, buildStartedAt, span, now }: { stage: StageView; label: string; title: string | undefined; buildStartedAt: string | null; span: number; now: number }) {
  const place = stageSpan(stage, buildStartedAt, now);
  const left = place ? Math.min(Math.max((place.offsetMs / span) * 100, 0), 100) : 0;
  const width = place ? Math.min((place.durationMs / span) * 100, 100 - left) : 0;
  const duration = place?.durationMs ?? null;
  return (
    <li
      data-testid="stage-row"
      data-stage={stage.name}
      data-status={stage.status}
      className={`${GRID} gap-y-1 rounded py-0.5 hover:bg-slate-50 dark:hover:bg-slate-800/50`}
    >
      <LogSectionLink sectionKey={stage.name} title={title} className="truncate font-mono text-sm text-blue-800 underline-offset-2 hover:underline dark:text-blue-300">
        {label}
      </LogSectionLink>
      <StageStatusLabel status={stage.status} />
      <div className="relative order-last col-span-3 h-5 rounded bg-slate-100 sm:order-none sm:col-span-1 dark:bg-slate-800/70">
        {place ? (
          <div
            className={`absolute top-0.5 bottom-0.5 rounded-sm transition-[width,left] duration-1000 ease-linear ${BAR[stage.status]}`}
            style={{ left: `min(${left}%, 100% - 3px)`, width: `max(${width}%, 3px)` }}
            title={`${label}: started at +${formatDuration(place.offsetMs)}, ${stage.status === "running" ? "running for" : "took"} ${formatDuration(duration)}`}
          />
        ) : (
          <span className="absolute inset-0 flex items-center px-2 text-xs italic text-slate-500 dark:text-slate-400">
            {stage.status === "skipped" ? "not needed for the target" : stage.status === "cancelled" ? "never started" : stage.status === "waiting" ? "waiting" : ""}
          </span>
        )}
      </div>
      <span className="text-right text-sm tabular-nums" data-testid="stage-duration">
        {duration === null ? "—" : formatDuration(duration)}
      </span>
    </li>
  );
}

function Legend() {
  const item = (cls: string, label: string) => (
    <span className="inline-flex items-center gap-1.5">
      <span aria-hidden className={`inline-block h-3 w-5 rounded-sm ${cls}`} />
      {label}
    </span>
  );
  return (
    <p className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
      {item("bg-blue-600 dark:bg-blue-500", "ran")}
      {item("bar-running", "running")}
      {item("bar-cached", "from cache")}
      {item("bar-failed", "failed")}
    </p>
  );
}
