import Link from "next/link";
import { TaskBar } from "./build-progress";
import type { ShardAttempt, ShardLane } from "./build-types";
import { formatDuration } from "./format-time";
import { attemptDuration, engineName, failedTasks, shardsSummary, taskProgressText } from "./shard-summary";
import { stageLabel, stageLabelTitle } from "./stage-label";
import { BuildStatusBadge, buildStatusLabel, StageStatusLabel } from "./status-badge";

/**
 * The shards of a sharded build, one lane each: its current attempt's
 * engine, status, tasks and stages, the way to its own page and log, and the
 * attempts that came before (a shard is tried again on another engine when
 * its build fails).
 */
export function ShardLanes({ lanes, now }: { lanes: ShardLane[]; now: number | null }) {
  return (
    <section aria-labelledby="shards-title" data-testid="shard-lanes" className="rounded-md border-l-4 border-violet-300 bg-slate-50 py-3 pr-3 pl-4 dark:border-violet-800 dark:bg-slate-950/40">
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-x-3">
        <h3 id="shards-title" className="text-base font-semibold">
          Shards
        </h3>
        <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="shards-summary">
          {lanes.length ? shardsSummary(lanes, buildStatusLabel) : "The plan is split into shards once the task master has listed the tasks."}
        </p>
      </div>
      <ol className="space-y-2">
        {lanes.map((lane) => (
          <Lane key={lane.index} lane={lane} now={now} />
        ))}
      </ol>
    </section>
  );
}

function Lane({ lane, now }: { lane: ShardLane; now: number | null }) {
  const current = lane.attempts.at(-1)!;
  const earlier = lane.attempts.slice(0, -1);
  const title = `shard-${lane.index}-title`;
  return (
    <li
      aria-labelledby={title}
      data-testid="shard-lane"
      data-shard={lane.index}
      data-status={current.status}
      className="rounded-md border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <h4 id={title} className="text-sm font-semibold">
          Shard {lane.index}
        </h4>
        <BuildStatusBadge status={current.status} />
        <span className="text-sm text-slate-700 dark:text-slate-300">
          {lane.kernels} kernel{lane.kernels === 1 ? "" : "s"} · engine <span className="font-medium">{engineName(current)}</span>
          {lane.attempts.length > 1 ? ` · attempt ${current.attempt}` : ""}
        </span>
        <span className="ml-auto flex items-center gap-3 text-sm">
          <span className="tabular-nums text-slate-700 dark:text-slate-300" data-testid="shard-duration">
            {formatDuration(attemptDuration(current, now))}
          </span>
          <Link href={`/builds/${current.buildId}`} className="font-medium text-blue-800 underline underline-offset-2 dark:text-blue-300">
            Log of shard {lane.index}
          </Link>
        </span>
      </div>
      <ShardTasks attempt={current} index={lane.index} />
      {current.stages.length > 0 ? (
        <ul aria-label={`Stages of shard ${lane.index}`} className="mt-2 flex flex-wrap gap-x-4 gap-y-1">
          {current.stages.map((stage) => (
            <li key={stage.name} data-stage={stage.name} className="inline-flex items-center gap-1.5 text-xs">
              <span className="font-mono text-slate-700 dark:text-slate-300" title={stageLabelTitle(stage.name, current.stages)}>
                {stageLabel(stage.name, current.stages)}
              </span>
              <StageStatusLabel status={stage.status} />
            </li>
          ))}
        </ul>
      ) : null}
      {current.status === "failed" || current.status === "interrupted" ? (current.error ? <p className="mt-2 text-sm text-orange-900 dark:text-orange-200">{current.error}</p> : null) : null}
      {earlier.length > 0 ? (
        <div className="mt-2 border-t border-slate-200 pt-2 dark:border-slate-800">
          <p className="text-xs font-medium text-slate-600 dark:text-slate-400">Earlier attempts</p>
          <ul className="mt-1 space-y-1 text-sm" data-testid="shard-earlier-attempts">
            {earlier.map((a) => (
              <EarlierAttempt key={a.buildId} attempt={a} />
            ))}
          </ul>
        </div>
      ) : null}
    </li>
  );
}

function ShardTasks({ attempt, index }: { attempt: ShardAttempt; index: number }) {
  const text = taskProgressText(attempt);
  return (
    <div className="mt-2 grid grid-cols-[minmax(0,1fr)_auto] items-center gap-3">
      {attempt.plan.planned === null ? (
        <div className="h-3 rounded-full bg-slate-200 dark:bg-slate-800" aria-hidden />
      ) : (
        <TaskBar label={`Tasks of shard ${index}`} planned={attempt.plan.planned} done={attempt.plan.done} failed={failedTasks(attempt)} text={text} />
      )}
      <span className="text-sm tabular-nums text-slate-700 dark:text-slate-300" data-testid="shard-tasks">
        {text}
      </span>
    </div>
  );
}

function EarlierAttempt({ attempt }: { attempt: ShardAttempt }) {
  return (
    <li>
      <Link href={`/builds/${attempt.buildId}`} className="text-blue-800 underline underline-offset-2 dark:text-blue-300">
        attempt {attempt.attempt} on engine {engineName(attempt)}
      </Link>
      : <span className="font-medium">{buildStatusLabel(attempt.status).toLowerCase()}</span>
      {attempt.error ? <span className="text-slate-700 dark:text-slate-300"> — {attempt.error}</span> : null}
    </li>
  );
}
