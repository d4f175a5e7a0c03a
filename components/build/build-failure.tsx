"use client";

import { AnsiText } from "./ansi-text";
import type { BuildViewJson } from "./build-types";
import { useLogSnapshot, type LiveBuildLog } from "./live-build-log";
import { failureSectionKey } from "./log-sections";
import { LogSectionLink } from "./log-link";
import { RESULT_SECTION } from "./log-store";
import { stageLabel } from "./stage-label";
import { StatusIcon } from "./status-badge";

/** What went wrong, pinned above everything else, with the way to the log that says more. */
export function BuildFailure({ build, live }: { build: BuildViewJson; live: LiveBuildLog }) {
  if (build.status !== "failed" && build.status !== "interrupted" && build.status !== "partial") return null;
  // A partial build finished every stage: what is missing was said where the shards ran.
  const partial = build.status === "partial";
  const key = partial && build.stages.some((s) => s.name === "shards") ? "shards" : failureSectionKey(build.stages);
  return (
    <section
      role="alert"
      aria-labelledby="build-failure-title"
      data-testid="build-failure"
      className={`mb-5 rounded-lg border-2 p-4 ${
        partial
          ? "border-amber-500 bg-amber-50 text-amber-950 dark:border-amber-600 dark:bg-amber-950/40 dark:text-amber-50"
          : "border-orange-500 bg-orange-50 text-orange-950 dark:border-orange-600 dark:bg-orange-950/40 dark:text-orange-50"
      }`}
    >
      <h2 id="build-failure-title" className="flex items-center gap-2 text-base font-semibold">
        <StatusIcon shape={build.status === "failed" ? "cross" : partial ? "half" : "alert"} className="h-5 w-5" />
        {build.status === "failed" ? "The build failed" : partial ? "Partial result: the image lacks some kernels" : "The build was interrupted"}
        {!partial && key !== RESULT_SECTION ? (
          <>
            {" "}
            in stage <span className="font-mono">{stageLabel(key, build.stages)}</span>
          </>
        ) : null}
      </h2>
      {build.failedStep ? (
        <p className="mt-2 text-sm">
          Failing step: <code className="rounded bg-white/70 px-1.5 py-0.5 font-mono text-[13px] dark:bg-slate-900/70">{build.failedStep}</code>
        </p>
      ) : null}
      {build.error ? <pre className="mt-2 whitespace-pre-wrap break-words font-mono text-[13px]">{build.error}</pre> : null}
      {key !== RESULT_SECTION ? <StageLogTail live={live} stage={key} /> : null}
      <p className="mt-3 text-sm">
        <LogSectionLink sectionKey={key} className="font-semibold underline underline-offset-2">
          {key === RESULT_SECTION ? "Show the end of the log" : `Show the ${key} log`}
        </LogSectionLink>
      </p>
    </section>
  );
}

const TAIL_LINES = 6;

/** The last lines the failing stage printed: usually the reason, which the engine's error message does not give. */
function StageLogTail({ live, stage }: { live: LiveBuildLog; stage: string }) {
  const log = useLogSnapshot(live);
  const lines = log.sections.get(stage)?.lines ?? [];
  if (lines.length === 0) return null;
  const tail = lines.slice(-TAIL_LINES);
  return (
    <div className="mt-3">
      <p className="text-xs font-medium">{lines.length > TAIL_LINES ? `Last ${TAIL_LINES} lines of its log:` : "Its log:"}</p>
      <pre data-testid="failure-log-tail" className="mt-1 overflow-x-auto rounded border border-orange-300 bg-white px-3 py-2 font-mono text-[13px] leading-5 text-slate-800 dark:border-orange-800 dark:bg-slate-950 dark:text-slate-200">
        {tail.map((l) => (
          <div key={l.seq}>
            <AnsiText text={l.text} />
          </div>
        ))}
      </pre>
    </div>
  );
}

export function BuildWarnings({ warnings }: { warnings: string[] }) {
  if (warnings.length === 0) return null;
  return (
    <section aria-labelledby="build-warnings-title" className="mb-5 rounded-lg border border-amber-400 bg-amber-50 p-4 text-amber-950 dark:border-amber-700 dark:bg-amber-950/40 dark:text-amber-50">
      <h2 id="build-warnings-title" className="flex items-center gap-2 text-sm font-semibold">
        <StatusIcon shape="alert" />
        {warnings.length === 1 ? "Warning" : `${warnings.length} warnings`}
      </h2>
      <ul className="mt-2 list-disc space-y-1 pl-6 text-sm">
        {warnings.map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
    </section>
  );
}
