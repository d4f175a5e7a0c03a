import type { LogSection } from "./log-sections";
import { indexOfSeq, type LogLine } from "./log-store";

export type LaidOutSection = LogSection & { open: boolean };

/**
 * The rows of the virtual log list: per section a header row, then its lines
 * when open. Rows are not materialised (a log can have half a million
 * lines): `starts` holds each section's first row, and a row is found by
 * binary search.
 */
export type LogLayout = { sections: LaidOutSection[]; starts: number[]; rowCount: number };

export type LogRow =
  | { kind: "header"; section: LaidOutSection; sectionIndex: number }
  | { kind: "line"; section: LaidOutSection; sectionIndex: number; line: LogLine; lineIndex: number };

/** `isOpen` decides which sections show their lines (see `isSectionOpen`). */
export function layoutLog(sections: readonly LogSection[], isOpen: (section: LogSection) => boolean): LogLayout {
  const laid: LaidOutSection[] = [];
  const starts: number[] = [];
  let row = 0;
  for (const s of sections) {
    // A section without lines has nothing to open.
    const open = s.lines.length > 0 && isOpen(s);
    laid.push({ ...s, open });
    starts.push(row);
    row += 1 + (open ? s.lines.length : 0);
  }
  return { sections: laid, starts, rowCount: row };
}

export function rowAt(layout: LogLayout, index: number): LogRow {
  const { starts, sections } = layout;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  const section = sections[lo]!;
  const offset = index - starts[lo]!;
  if (offset === 0) return { kind: "header", section, sectionIndex: lo };
  return { kind: "line", section, sectionIndex: lo, line: section.lines[offset - 1]!, lineIndex: offset - 1 };
}

/** A stable key per row, so that measured heights follow their row when sections open and close. */
export function rowKey(layout: LogLayout, index: number): string {
  const row = rowAt(layout, index);
  return row.kind === "header" ? `s:${row.section.key}` : `l:${row.line.seq}`;
}

export function rowOfSection(layout: LogLayout, key: string): number {
  const i = layout.sections.findIndex((s) => s.key === key);
  return i < 0 ? -1 : layout.starts[i]!;
}

/** The section holding line `seq`, and its place there. */
export function findLine(sections: readonly Pick<LogSection, "key" | "lines">[], seq: number): { key: string; sectionIndex: number; lineIndex: number } | null {
  for (let i = 0; i < sections.length; i++) {
    const lineIndex = indexOfSeq(sections[i]!.lines, seq);
    if (lineIndex >= 0) return { key: sections[i]!.key, sectionIndex: i, lineIndex };
  }
  return null;
}

/** The row of line `seq`, or -1 when it is not held or its section is closed. */
export function rowOfLine(layout: LogLayout, seq: number): number {
  const found = findLine(layout.sections, seq);
  if (!found || !layout.sections[found.sectionIndex]!.open) return -1;
  return layout.starts[found.sectionIndex]! + 1 + found.lineIndex;
}
