import type { StageView } from "./build-types";

/**
 * Where a stage lies on its build's time line. BuildKit reports a step that
 * came from the cache with the start time of the build that first ran it, so
 * a stage's start is taken no earlier than its build's: nothing of this build
 * ran before it started. A running stage ends `now`; one that never started,
 * or has no end yet, has no span.
 */
export function stageSpan(
  stage: Pick<StageView, "startedAt" | "finishedAt" | "status">,
  buildStartedAt: string | null,
  now: number | null = null,
): { offsetMs: number; durationMs: number } | null {
  if (!stage.startedAt || !buildStartedAt) return null;
  const buildStart = Date.parse(buildStartedAt);
  const start = Math.max(Date.parse(stage.startedAt), buildStart);
  const end = stage.finishedAt ? Date.parse(stage.finishedAt) : stage.status === "running" ? now : null;
  if (end === null) return null;
  return { offsetMs: start - buildStart, durationMs: Math.max(0, end - start) };
}
