import type { BuildStatus, StageStatus, StageView } from "./build-types";
import { isEnded } from "./build-types";
import { RESULT_SECTION, START_SECTION, type LogLine, type LogSectionLines } from "./log-store";
import { stageLabel } from "./stage-label";
import { stageSpan } from "./stage-span";

export type LogSection = {
  key: string;
  label: string;
  /** The Dockerfile stage, null for kobuild's own notes. */
  stage: string | null;
  status: StageStatus;
  durationMs: number | null;
  lines: readonly LogLine[];
};

const BUILD_TO_SECTION: Record<BuildStatus, StageStatus> = {
  queued: "waiting",
  running: "running",
  succeeded: "done",
  partial: "done",
  failed: "failed",
  cancelled: "cancelled",
  interrupted: "failed",
};

/**
 * The log's sections in reading order: kobuild's set-up notes, then every
 * stage in Dockerfile order (the timeline's order; stages without output
 * too, so a cached or skipped stage still shows), stages the build reported
 * but the Dockerfile did not name, and last the result.
 */
export function describeSections(
  held: ReadonlyMap<string, LogSectionLines>,
  build: { status: BuildStatus; stages: readonly StageView[]; startedAt?: string | null },
): LogSection[] {
  const out: LogSection[] = [];
  const linesOf = (key: string) => held.get(key)?.lines ?? [];
  const ended = isEnded(build.status);
  const start = held.get(START_SECTION);
  if (start) {
    const anyStageStarted = build.stages.some((s) => s.status !== "waiting");
    out.push({
      key: START_SECTION,
      label: "Set-up",
      stage: null,
      status: ended || anyStageStarted ? "done" : BUILD_TO_SECTION[build.status],
      durationMs: null,
      lines: start.lines,
    });
  }
  const named = new Set<string>();
  for (const s of build.stages) {
    named.add(s.name);
    const durationMs = stageSpan(s, build.startedAt ?? null)?.durationMs ?? null;
    const lines = linesOf(s.name);
    // A stage that prints is running, even when the engine's step updates have not said so
    // (BuildKit can report a step's output before its start, or a shared step under another stage).
    const status = s.status === "waiting" && lines.length > 0 && !ended ? "running" : s.status;
    out.push({ key: s.name, label: stageLabel(s.name, build.stages), stage: s.name, status, durationMs, lines });
  }
  for (const section of held.values()) {
    if (section.stage === null || named.has(section.stage)) continue;
    out.push({ key: section.key, label: stageLabel(section.stage, build.stages), stage: section.stage, status: ended ? "done" : "running", durationMs: null, lines: section.lines });
  }
  const result = held.get(RESULT_SECTION);
  if (result) {
    out.push({ key: RESULT_SECTION, label: "Result", stage: null, status: BUILD_TO_SECTION[build.status], durationMs: null, lines: result.lines });
  }
  return out;
}

/** Running and failed sections are open unless the reader closed them; finished ones are closed unless opened. */
export function isSectionOpen(section: Pick<LogSection, "key" | "status">, overrides: ReadonlyMap<string, boolean>): boolean {
  return overrides.get(section.key) ?? (section.status === "running" || section.status === "failed");
}

/** Where the log section of a failed build is: the failed stage's, else the result with kobuild's error note. */
export function failureSectionKey(stages: readonly StageView[]): string {
  return stages.find((s) => s.status === "failed")?.name ?? RESULT_SECTION;
}
