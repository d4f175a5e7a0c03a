"use client";

import { memo } from "react";
import { AnsiText } from "./ansi-text";
import { formatDuration } from "./format-time";
import type { LaidOutSection } from "./log-layout";
import { followLogLink } from "./log-link";
import { matchesInText } from "./log-search";
import type { LogLine } from "./log-store";
import { lineHash } from "./log-target";
import { StageStatusLabel } from "./status-badge";

/** Row heights of the unwrapped log; the virtual list relies on them being exact. */
export const LINE_HEIGHT = 20;
export const HEADER_HEIGHT = 32;

type LineProps = {
  line: LogLine;
  index: number;
  top: number;
  time: string | null;
  gutter: string;
  highlighted: boolean;
  pattern: RegExp | null;
  /** Where the current search match starts in this line, if it is here. */
  currentStart: number | null;
  wrap: boolean;
  measure?: (el: HTMLElement | null) => void;
};

/** One log line: its number (a link to itself), its time if asked for, and its text in colour with search matches marked. */
export const LogLineRow = memo(function LogLineRow({ line, index, top, time, gutter, highlighted, pattern, currentStart, wrap, measure }: LineProps) {
  const ranges = pattern ? matchesInText(line.plain, pattern).map((r) => ({ ...r, current: r.start === currentStart })) : [];
  // The number column has a background of its own (it stays put when the line scrolls sideways), so it follows the row's hover.
  const background = highlighted ? "bg-sky-100 dark:bg-sky-950" : "bg-white group-hover:bg-slate-50 dark:bg-slate-950 dark:group-hover:bg-slate-900";
  return (
    <div
      ref={measure}
      data-index={index}
      data-seq={line.seq}
      data-highlighted={highlighted || undefined}
      className={`group absolute left-0 top-0 flex w-full ${wrap ? "min-h-5" : "h-5"} ${background}`}
      style={{ transform: `translateY(${top}px)` }}
    >
      <a
        href={lineHash(line.seq)}
        onClick={followLogLink}
        tabIndex={-1}
        aria-label={`Line ${line.seq}`}
        className={`sticky left-0 z-10 shrink-0 select-none pr-3 text-right hover:text-blue-700 hover:underline dark:hover:text-blue-300 ${background} ${highlighted ? "font-bold text-sky-800 shadow-[inset_3px_0_0_#0284c7] dark:text-sky-300" : "text-slate-400 dark:text-slate-500"}`}
        style={{ width: gutter }}
      >
        {line.seq}
      </a>
      {time !== null ? (
        <span data-testid="line-time" className="shrink-0 select-none pr-3 text-slate-500 dark:text-slate-400">
          {time}
        </span>
      ) : null}
      <span className={`${wrap ? "min-w-0 whitespace-pre-wrap break-all" : "whitespace-pre"} pr-4 ${line.stream === 0 ? "text-sky-800 dark:text-sky-300" : ""}`}>
        <AnsiText text={line.text} ranges={ranges} />
      </span>
    </div>
  );
});

type HeaderProps = {
  section: LaidOutSection;
  index: number;
  top: number;
  /** The copy that stays on top of the list while the reader is inside the section. */
  pinned?: boolean;
  onToggle: (key: string, open: boolean) => void;
  measure?: (el: HTMLElement | null) => void;
};

/** A section's header: a button that opens or closes it, with the stage's status, duration and line count. */
export const SectionHeaderRow = memo(function SectionHeaderRow({ section, index, top, pinned = false, onToggle, measure }: HeaderProps) {
  const count = section.lines.length;
  const facts = (
    <>
      <span className="font-semibold text-slate-900 dark:text-slate-100">{section.label}</span>
      <StageStatusLabel status={section.status} />
      {section.durationMs !== null ? <span className="tabular-nums text-slate-600 dark:text-slate-400">{formatDuration(section.durationMs)}</span> : null}
      <span className="tabular-nums text-slate-600 dark:text-slate-400">{count === 0 ? "no output" : `${count.toLocaleString("en-US")} ${count === 1 ? "line" : "lines"}`}</span>
    </>
  );
  return (
    <div
      ref={measure}
      data-index={index}
      data-testid={pinned ? "log-section-pinned" : "log-section"}
      data-section={section.key}
      data-open={section.open}
      className={`absolute left-0 top-0 h-8 w-full border-t border-slate-200 bg-slate-100 font-sans text-sm dark:border-slate-800 dark:bg-slate-900 ${pinned ? "border-b shadow-sm" : ""}`}
      style={{ transform: `translateY(${top}px)` }}
    >
      <div className="sticky left-0 flex h-full w-max items-center">
        {count > 0 ? (
          <button
            type="button"
            aria-expanded={section.open}
            onClick={() => onToggle(section.key, !section.open)}
            className="flex h-full items-center gap-2.5 px-2 text-left hover:bg-slate-200 focus-visible:-outline-offset-2 dark:hover:bg-slate-800"
          >
            <svg aria-hidden width="12" height="12" viewBox="0 0 12 12" className={`shrink-0 transition-transform ${section.open ? "rotate-90" : ""}`}>
              <path d="M4 2l4 4-4 4" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
            {facts}
          </button>
        ) : (
          <div className="flex h-full items-center gap-2.5 px-2 pl-[30px]">{facts}</div>
        )}
      </div>
    </div>
  );
});
