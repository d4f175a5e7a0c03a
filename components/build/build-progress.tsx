import { Card } from "@/components/card";
import type { BuildPlan, BuildStatus, BuilderProgress } from "./build-types";
import { StatusIcon } from "./status-badge";

// The builders in the order the Dockerfile names them.
const ORDER = ["rhel-8", "rhel-7"];

/** Drivers planned and done, per builder and in all, as the builders report them. */
export function BuildProgress({ plan, status }: { plan: BuildPlan; status: BuildStatus }) {
  const builders = Object.entries(plan.builders).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  const failed = builders.reduce((n, [, p]) => n + p.failed, 0);
  const estimated = builders.some(([, p]) => p.exact === false);
  return (
    <Card title="Drivers">
      {plan.planned === null ? (
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="plan-unknown">
          {plan.source?.source === "unreadable"
            ? `kobuild could not read this build's plan: ${plan.source.error}.`
            : status === "queued" || status === "running"
              ? "No plan yet: the task master lists the drivers to build once the build gets there."
              : "This build made no plan of drivers."}
        </p>
      ) : (
        <>
          <p className="flex flex-wrap items-baseline gap-x-2" data-testid="progress-overall">
            <span className="text-2xl font-semibold tabular-nums">
              {estimated ? "≈ " : ""}
              {plan.done} of {plan.planned}
            </span>
            <span className="text-sm text-slate-600 dark:text-slate-400">drivers done{failed > 0 ? `, ${failed} failed` : ""}</span>
          </p>
          {estimated ? (
            <p className="mt-1 text-xs text-slate-600 dark:text-slate-400" data-testid="progress-estimated">
              Estimated from the kernels each builder&apos;s log names (its scripts print no progress lines); the image gives the exact counts when the build ends.
            </p>
          ) : null}
          <ul className="mt-3 space-y-3">
            {builders.map(([name, progress]) => (
              <BuilderBar key={name} name={name} progress={progress} />
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}

function rank(name: string) {
  const i = ORDER.indexOf(name);
  return i < 0 ? ORDER.length : i;
}

function BuilderBar({ name, progress }: { name: string; progress: BuilderProgress }) {
  const { planned, done, failed, kernels } = progress;
  const estimate = progress.exact === false;
  const text = `${estimate ? "about " : ""}${done} of ${planned} drivers${failed > 0 ? `, ${failed} failed` : ""}${
    estimate && kernels ? `; ${kernels.started} of ${kernels.planned} kernels started, ${kernels.finished} finished` : ""
  }`;
  return (
    <li data-testid="builder-progress" data-builder={name}>
      <div className="mb-1 flex items-baseline justify-between gap-2 text-sm">
        <span className="font-medium">{name} builder</span>
        <span className="tabular-nums text-slate-700 dark:text-slate-300">
          <span data-testid="builder-count" data-exact={estimate ? "false" : "true"}>
            {estimate ? "≈ " : ""}
            {done} of {planned}
          </span>{" "}
          drivers
          {estimate && kernels ? (
            <span className="ml-2 text-xs text-slate-600 dark:text-slate-400" data-testid="builder-kernels">
              ({kernels.started} of {kernels.planned} kernels started, {kernels.finished} finished)
            </span>
          ) : null}
          {failed > 0 ? (
            <span className="ml-2 inline-flex items-center gap-1 text-orange-800 dark:text-orange-300">
              <StatusIcon shape="cross" className="h-3.5 w-3.5" />
              {failed} failed
            </span>
          ) : null}
        </span>
      </div>
      <TaskBar label={`${name} builder`} planned={planned} done={done} failed={failed} text={text} />
    </li>
  );
}

/** Done of planned as a bar: built (and unavailable) tasks, then failed ones striped, so the split shows without colour. */
export function TaskBar({ label, planned, done, failed, text }: { label: string; planned: number; done: number; failed: number; text: string }) {
  const pct = (n: number) => (planned > 0 ? (Math.min(n, planned) / planned) * 100 : 0);
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={planned}
      aria-valuenow={done}
      aria-valuetext={text}
      className="flex h-3 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
    >
      <div className="h-full bg-blue-600 transition-[width] duration-500 dark:bg-blue-500" style={{ width: `${pct(done - failed)}%` }} />
      <div className="bar-failed h-full transition-[width] duration-500" style={{ width: `${pct(failed)}%` }} />
    </div>
  );
}
