export type StageStatus = "waiting" | "running" | "cached" | "done" | "failed" | "cancelled" | "skipped";

type StepState = { status: StageStatus; index?: number; total?: number };

/**
 * A stage's status from its steps' statuses. `total` (the n of `[stage i/n]`)
 * says which step is the stage's last: the stage is not done before that one
 * is. Counting steps would not do: BuildKit reports a step that two stages
 * share (the same FROM and COPY) under one of the two names only.
 */
export function stageStatusOf(steps: StepState[]): StageStatus {
  if (steps.length === 0) return "waiting";
  if (steps.some((s) => s.status === "failed")) return "failed";
  if (steps.some((s) => s.status === "cancelled")) return "cancelled";
  if (steps.some((s) => s.status === "running")) return "running";
  const total = Math.max(0, ...steps.map((s) => s.total ?? 0));
  const finished = steps.filter((s) => s.status === "done" || s.status === "cached");
  const complete = finished.length === steps.length && (total === 0 || finished.some((s) => s.index === total));
  if (!complete) return finished.length > 0 ? "running" : "waiting";
  return finished.every((s) => s.status === "cached") ? "cached" : "done";
}
