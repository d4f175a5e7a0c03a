import type { BuildViewJson } from "./build-types";
import { failureSectionKey } from "./log-sections";
import { LogSectionLink } from "./log-link";
import { RESULT_SECTION } from "./log-store";
import { StatusIcon } from "./status-badge";

/** What went wrong, pinned above everything else, with the way to the log that says more. */
export function BuildFailure({ build }: { build: BuildViewJson }) {
  if (build.status !== "failed" && build.status !== "interrupted") return null;
  const key = failureSectionKey(build.stages);
  return (
    <section
      role="alert"
      aria-labelledby="build-failure-title"
      data-testid="build-failure"
      className="mb-5 rounded-lg border-2 border-orange-500 bg-orange-50 p-4 text-orange-950 dark:border-orange-600 dark:bg-orange-950/40 dark:text-orange-50"
    >
      <h2 id="build-failure-title" className="flex items-center gap-2 text-base font-semibold">
        <StatusIcon shape={build.status === "failed" ? "cross" : "alert"} className="h-5 w-5" />
        {build.status === "failed" ? "The build failed" : "The build was interrupted"}
        {key !== RESULT_SECTION ? (
          <>
            {" "}
            in stage <span className="font-mono">{key}</span>
          </>
        ) : null}
      </h2>
      {build.failedStep ? (
        <p className="mt-2 text-sm">
          Failing step: <code className="rounded bg-white/70 px-1.5 py-0.5 font-mono text-[13px] dark:bg-slate-900/70">{build.failedStep}</code>
        </p>
      ) : null}
      {build.error ? <pre className="mt-2 whitespace-pre-wrap break-words font-mono text-[13px]">{build.error}</pre> : null}
      <p className="mt-3 text-sm">
        <LogSectionLink sectionKey={key} className="font-semibold underline underline-offset-2">
          {key === RESULT_SECTION ? "Show the end of the log" : `Show the ${key} log`}
        </LogSectionLink>
      </p>
    </section>
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
