import { stripAnsi } from "./ansi";
import type { LogLineEvent } from "./build-types";

/** kobuild's notes before the first stage printed anything: what it builds and how. */
export const START_SECTION = "@start";
/** kobuild's notes after that: warnings, the result or the error. */
export const RESULT_SECTION = "@result";

/** A line as the page keeps it: the step digest is dropped, the text without escapes kept for search. */
export type LogLine = { readonly seq: number; readonly stream: number; readonly ts: number; readonly text: string; readonly plain: string };

export type LogSectionLines = { readonly key: string; readonly stage: string | null; readonly lines: LogLine[] };

/**
 * Every line of a build in memory, grouped by stage in arrival order (stages
 * run in parallel, so their lines interleave). Lines already held are
 * ignored, so a reconnect that repeats some does no harm.
 */
export class LogStore {
  readonly sections = new Map<string, LogSectionLines>();
  lastSeq = 0;
  lineCount = 0;
  private sawStage = false;

  /** Adds lines in order of `seq`; returns how many were new. */
  add(events: Iterable<Omit<LogLineEvent, "step">>): number {
    let added = 0;
    for (const e of events) {
      if (e.seq <= this.lastSeq) continue;
      this.lastSeq = e.seq;
      const key = e.stage ?? (this.sawStage ? RESULT_SECTION : START_SECTION);
      if (e.stage) this.sawStage = true;
      let section = this.sections.get(key);
      if (!section) {
        section = { key, stage: e.stage, lines: [] };
        this.sections.set(key, section);
      }
      section.lines.push({ seq: e.seq, stream: e.stream, ts: e.ts, text: e.text, plain: stripAnsi(e.text) });
      added++;
    }
    this.lineCount += added;
    return added;
  }
}

/** Index of the line with `seq` in lines sorted by seq, or -1. */
export function indexOfSeq(lines: readonly { seq: number }[], seq: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = lines[mid]!.seq;
    if (s === seq) return mid;
    if (s < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
