"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useCallback, useEffect, useEffectEvent, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { BuildStatus, StageView } from "./build-types";
import { isEnded } from "./build-types";
import { formatClock, formatElapsed } from "./format-time";
import { useLogSnapshot, type LiveBuildLog } from "./live-build-log";
import { nextSerial, useLocationHash } from "./location-hash";
import { findLine, layoutLog, rowAt, rowKey, rowOfLine, rowOfSection } from "./log-layout";
import { HEADER_HEIGHT, LINE_HEIGHT, LogLineRow, SectionHeaderRow } from "./log-rows";
import { describeSections, isSectionOpen, type LogSection } from "./log-sections";
import { MAX_MATCHES, queryPattern, stepMatch, type LocatedMatch } from "./log-search";
import { parseLogTarget } from "./log-target";
import { usePreference } from "./preferences";

type Props = {
  buildId: number;
  live: LiveBuildLog;
  status: BuildStatus;
  stages: StageView[];
  startedAt: string | null;
};

type Override = { open: boolean; serial: number };
/** What the reader last asked to see: a line (link or search match) or a section. */
type Reveal = { kind: "line"; seq: number; serial: number } | { kind: "section"; key: string; serial: number };

const TIME_MODES = ["off", "clock", "elapsed"] as const;
const WRAP_MODES = ["off", "on"] as const;

/**
 * The build's log: one virtual list over collapsible sections per stage,
 * live from the events stream, with search, line links, timestamps and
 * following the end while the reader stays there.
 */
export const LogPanel = memo(function LogPanel({ buildId, live, status, stages, startedAt }: Props) {
  const log = useLogSnapshot(live);
  const searchFor = live.setQuery;
  const location = useLocationHash();
  const [timeMode, setTimeMode] = usePreference("kobuild.log.timestamps", TIME_MODES, "off");
  const [wrapMode, setWrapMode] = usePreference("kobuild.log.wrap", WRAP_MODES, "off");
  const wrap = wrapMode === "on";
  const [overrides, setOverrides] = useState<ReadonlyMap<string, Override>>(() => new Map());
  // A build that is still going is followed from the start; a finished one is read from the top.
  const [follow, setFollow] = useState(() => ({ on: !isEnded(status), serial: 0 }));
  const [query, setQuery] = useState("");
  const [current, setCurrent] = useState<{ query: string; match: LocatedMatch; serial: number } | null>(null);
  // Whether the end of the log is in view: the "jump to the end" button shows otherwise.
  const [atEnd, setAtEnd] = useState(true);
  const scrollRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  const panelRef = useRef<HTMLElement>(null);

  const sections = useMemo(() => describeSections(log.sections, { status, stages, startedAt }), [log, status, stages, startedAt]);

  // The search: the current match is the one the reader stepped to, else the first.
  const search = log.search;
  const searchQuery = search?.index.query ?? "";
  const pattern = useMemo(() => queryPattern(searchQuery), [searchQuery]);
  const chosen = current && current.query === searchQuery ? current : null;
  const match = search ? (chosen?.match ?? search.index.at(sections, 0)) : null;
  const matchSerial = chosen?.serial ?? search?.serial ?? 0;
  const matchNumber = search && match ? search.index.indexOf(sections, match) + 1 : 0;

  // The latest request wins: the URL's fragment (a line or section link) or a search step.
  const hashTarget = useMemo(() => parseLogTarget(location.hash), [location.hash]);
  let reveal: Reveal | null = null;
  if (match && (!hashTarget || matchSerial > location.serial)) reveal = { kind: "line", seq: match.seq, serial: matchSerial };
  else if (hashTarget) reveal = { ...hashTarget, serial: location.serial };
  const highlightedSeq = hashTarget?.kind === "line" ? hashTarget.seq : null;
  const revealKey = reveal ? (reveal.kind === "section" ? reveal.key : (findLine(sections, reveal.seq)?.key ?? null)) : null;
  const revealSerial = reveal?.serial ?? 0;

  const layout = useMemo(() => {
    const isOpen = (s: LogSection) => {
      const o = overrides.get(s.key);
      // Revealing a line or section opens it, unless the reader closed it since.
      if (s.key === revealKey && (!o || o.serial < revealSerial)) return true;
      return o ? o.open : isSectionOpen(s, new Map());
    };
    return layoutLog(sections, isOpen);
  }, [sections, overrides, revealKey, revealSerial]);

  const following = follow.on && follow.serial >= revealSerial;
  // The virtualizer lays out every row again whenever these functions change: they change with the layout only.
  const estimateSize = useMemo(() => {
    const headerRows = new Set(layout.starts);
    return (i: number) => (headerRows.has(i) ? HEADER_HEIGHT : LINE_HEIGHT);
  }, [layout]);
  const getItemKey = useMemo(() => (wrap ? (i: number) => rowKey(layout, i) : undefined), [layout, wrap]);

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read afresh on every render; nothing here memoises its functions
  const virtualizer = useVirtualizer({
    count: layout.rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    // Unwrapped rows have exact heights; wrapped ones are measured, and keep their height by key.
    getItemKey,
    overscan: 25,
    // Its updates may come from the layout effect below, where React cannot flush synchronously (and need not).
    useFlushSync: false,
  });
  const totalSize = virtualizer.getTotalSize();

  const onToggle = useCallback((key: string, open: boolean) => {
    setOverrides((prev) => new Map(prev).set(key, { open, serial: nextSerial() }));
  }, []);
  const setAll = (open: boolean) => {
    const serial = nextSerial();
    setOverrides(new Map(sections.map((s) => [s.key, { open, serial }])));
  };

  // Scroll to what was asked for, once per request, as soon as it is in the log; an older request
  // that becomes current again (a search is cleared and the URL's line is left) does not move the view.
  const revealed = useRef(0);
  useLayoutEffect(() => {
    if (!reveal || reveal.serial <= revealed.current) return;
    const row = reveal.kind === "line" ? rowOfLine(layout, reveal.seq) : rowOfSection(layout, reveal.key);
    if (row < 0) return;
    revealed.current = reveal.serial;
    virtualizer.scrollToIndex(row, { align: reveal.kind === "line" ? "center" : "start" });
    panelRef.current?.scrollIntoView({ block: "nearest" });
  });

  // Closing a section from its pinned header brings its header back into view, where the reader was.
  const [jump, setJump] = useState<{ key: string; serial: number } | null>(null);
  const jumped = useRef(0);
  useLayoutEffect(() => {
    if (!jump || jump.serial <= jumped.current) return;
    const row = rowOfSection(layout, jump.key);
    if (row < 0) return;
    jumped.current = jump.serial;
    virtualizer.scrollToIndex(row, { align: "start" });
  });
  const onTogglePinned = useCallback((key: string, open: boolean) => {
    setOverrides((prev) => new Map(prev).set(key, { open, serial: nextSerial() }));
    setFollow({ on: false, serial: nextSerial() });
    setJump({ key, serial: nextSerial() });
  }, []);

  // Follow the end while the reader is there. The virtualizer learns of a
  // scroll from its event, a frame later; told at once, it renders the rows
  // at the end before the browser paints, instead of a blank frame.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!following || !el || el.scrollHeight - el.scrollTop - el.clientHeight < 1) return;
    el.scrollTop = el.scrollHeight;
    el.dispatchEvent(new Event("scroll"));
  }, [following, totalSize]);

  const isAtEnd = () => {
    const el = scrollRef.current;
    return !el || el.scrollHeight - el.scrollTop - el.clientHeight <= LINE_HEIGHT / 2;
  };
  const onScroll = () => {
    const end = isAtEnd();
    setAtEnd(end);
    // Leaving the end stops following for good (not only while a search or link holds the view).
    if (end !== following || end !== follow.on) setFollow({ on: end, serial: nextSerial() });
  };
  // The end can come into view or leave it without a scroll: lines arrive, sections open and close.
  const onResize = useEffectEvent(() => setAtEnd(isAtEnd()));
  const hasRows = layout.rowCount > 0;
  useEffect(() => {
    const observed = [scrollRef.current, contentRef.current].filter((el) => el !== null);
    const observer = new ResizeObserver(() => onResize());
    for (const el of observed) observer.observe(el);
    return () => observer.disconnect();
  }, [hasRows]);

  // Searching waits for a pause in typing; Enter searches at once.
  const applyQuery = useEffectEvent((q: string) => searchFor(q));
  useEffect(() => {
    const timer = setTimeout(() => applyQuery(query), 200);
    return () => clearTimeout(timer);
  }, [query]);

  const step = (direction: 1 | -1) => {
    if (query !== searchQuery) {
      searchFor(query);
      return;
    }
    if (!search) return;
    const next = stepMatch(search.index, sections, match, direction);
    if (next) setCurrent({ query: searchQuery, match: next, serial: nextSerial() });
  };
  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      e.preventDefault();
      step(e.shiftKey ? -1 : 1);
    } else if (e.key === "Escape" && query) {
      e.preventDefault();
      setQuery("");
    }
  };

  const buildStart = startedAt ? Date.parse(startedAt) : null;
  const gutter = `${Math.max(String(log.lastSeq).length, 3) + 2}ch`;
  const timeWidth = timeMode === "off" ? 0 : 14;
  // Unwrapped, the list is as wide as its longest line, so headers and backgrounds span the whole scroll width.
  const contentWidth = wrap ? "100%" : `max(100%, calc(${Math.max(String(log.lastSeq).length, 3) + 2 + timeWidth + log.maxLength}ch + 2rem))`;
  const items = virtualizer.getVirtualItems();
  // Inside a section whose header has scrolled away, a copy of the header stays on top of the list.
  const scrollOffset = virtualizer.scrollOffset ?? 0;
  const firstInView = items.find((i) => i.end > scrollOffset + 1);
  const firstRow = firstInView ? rowAt(layout, firstInView.index) : null;
  const pinned = firstRow?.kind === "line" ? firstRow.section : null;
  const searchStatus = !search
    ? ""
    : search.total === 0
      ? "No matches"
      : `${matchNumber.toLocaleString("en-US")} of ${search.total.toLocaleString("en-US")}${search.capped ? "+" : ""} ${search.total === 1 ? "match" : "matches"}`;

  return (
    <section
      ref={panelRef}
      aria-labelledby="log-title"
      // The browser's own find sees only the rows on screen: inside the log, Ctrl+F searches the whole log.
      onKeyDown={(e) => {
        if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "f") {
          e.preventDefault();
          searchRef.current?.focus();
          searchRef.current?.select();
        }
      }}
      className="overflow-hidden rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-950">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2 border-b border-slate-200 bg-slate-50 px-3 py-2 text-sm dark:border-slate-800 dark:bg-slate-900">
        <h2 id="log-title" className="font-semibold">
          Log
        </h2>
        <span className="text-slate-600 tabular-nums dark:text-slate-400" data-testid="log-line-count">
          {log.lineCount.toLocaleString("en-US")} {log.lineCount === 1 ? "line" : "lines"}
          {!log.caughtUp ? " · loading…" : log.connection === "reconnecting" ? " · reconnecting…" : null}
        </span>
        <div role="search" className="flex flex-wrap items-center gap-1.5 lg:ml-auto">
          <label htmlFor={`log-search-${buildId}`} className="sr-only">
            Search the log
          </label>
          <input
            id={`log-search-${buildId}`}
            ref={searchRef}
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={onSearchKey}
            placeholder="Search the log"
            title="Search the whole log (Ctrl+F inside the log)"
            autoComplete="off"
            spellCheck={false}
            className="w-56 rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm placeholder:text-slate-500 dark:border-slate-600 dark:bg-slate-950"
          />
          <span aria-live="polite" data-testid="search-count" className="min-w-[9rem] text-xs tabular-nums text-slate-600 dark:text-slate-400">
            {searchStatus}
          </span>
          <ToolButton label="Previous match (Shift+Enter)" onClick={() => step(-1)} disabled={!search || search.total === 0}>
            <path d="M4 10l4-4 4 4" />
          </ToolButton>
          <ToolButton label="Next match (Enter)" onClick={() => step(1)} disabled={!search || search.total === 0}>
            <path d="M4 6l4 4 4-4" />
          </ToolButton>
        </div>
        <div className="flex flex-wrap items-center gap-1.5">
          <TextButton onClick={() => setAll(true)}>Expand all</TextButton>
          <TextButton onClick={() => setAll(false)}>Collapse all</TextButton>
          <label className="flex items-center gap-1.5 text-xs text-slate-700 dark:text-slate-300">
            Timestamps
            <select
              value={timeMode}
              onChange={(e) => setTimeMode(e.target.value as (typeof TIME_MODES)[number])}
              className="rounded-md border border-slate-300 bg-white px-1.5 py-1 text-xs dark:border-slate-600 dark:bg-slate-950"
            >
              <option value="off">off</option>
              <option value="clock">clock (UTC)</option>
              <option value="elapsed">since start</option>
            </select>
          </label>
          <label className="flex items-center gap-1.5 text-xs text-slate-700 dark:text-slate-300">
            <input type="checkbox" checked={wrap} onChange={(e) => setWrapMode(e.target.checked ? "on" : "off")} />
            Wrap lines
          </label>
          <a href={`/api/builds/${buildId}/logs`} target="_blank" rel="noreferrer" className="rounded-md px-2 py-1 text-xs font-medium text-blue-800 underline-offset-2 hover:underline dark:text-blue-300">
            Raw log
          </a>
          <a href={`/api/builds/${buildId}/logs?download=1`} download className="rounded-md px-2 py-1 text-xs font-medium text-blue-800 underline-offset-2 hover:underline dark:text-blue-300">
            Download
          </a>
        </div>
      </div>
      <div className="relative">
        <div
          ref={scrollRef}
          onScroll={onScroll}
          role="region"
          aria-label="Log lines"
          tabIndex={0}
          data-testid="log-lines"
          data-following={following}
          // As tall as its rows up to most of the window; room is left for a horizontal scroll bar.
          style={hasRows ? { height: totalSize + (wrap ? 2 : 18) } : undefined}
          className="max-h-[min(72vh,56rem)] min-h-24 overflow-auto font-mono text-[13px] leading-5 text-slate-800 [tab-size:8] dark:text-slate-200"
        >
          {layout.rowCount === 0 ? (
            <p className="p-4 font-sans text-sm text-slate-600 dark:text-slate-400">
              {!log.caughtUp ? "Loading the log…" : status === "queued" ? "The build waits in the queue; its log starts when it runs." : isEnded(status) ? "This build printed nothing." : "Waiting for output…"}
            </p>
          ) : (
            <div ref={contentRef} className="relative" style={{ height: totalSize, width: contentWidth }}>
              {pinned ? (
                <div className="sticky left-0 top-0 z-20 h-0 w-full">
                  <SectionHeaderRow section={pinned} index={-1} top={0} pinned onToggle={onTogglePinned} />
                </div>
              ) : null}
              {items.map((item) => {
                const row = rowAt(layout, item.index);
                const measure = wrap ? virtualizer.measureElement : undefined;
                if (row.kind === "header") {
                  return <SectionHeaderRow key={`s:${row.section.key}`} section={row.section} index={item.index} top={item.start} onToggle={onToggle} measure={measure} />;
                }
                const line = row.line;
                const time =
                  timeMode === "clock" ? formatClock(line.ts) : timeMode === "elapsed" && buildStart !== null ? formatElapsed(line.ts - buildStart) : timeMode === "elapsed" ? "" : null;
                return (
                  <LogLineRow
                    key={`l:${line.seq}`}
                    line={line}
                    index={item.index}
                    top={item.start}
                    time={time}
                    gutter={gutter}
                    highlighted={line.seq === highlightedSeq}
                    pattern={pattern}
                    currentStart={match && match.seq === line.seq ? match.start : null}
                    wrap={wrap}
                    measure={measure}
                  />
                );
              })}
            </div>
          )}
        </div>
        {!following && !atEnd && hasRows ? (
          <button
            type="button"
            onClick={() => setFollow({ on: true, serial: nextSerial() })}
            className="absolute bottom-4 right-6 inline-flex items-center gap-1.5 rounded-full bg-blue-700 px-3.5 py-1.5 font-sans text-sm font-semibold text-white shadow-lg hover:bg-blue-800"
          >
            <svg aria-hidden width="14" height="14" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
              <path d="M8 2v11M3.5 8.5L8 13l4.5-4.5" />
            </svg>
            {isEnded(status) ? "Jump to the end" : "Follow the log"}
          </button>
        ) : null}
      </div>
      {search?.capped ? (
        <p className="border-t border-slate-200 px-3 py-1.5 text-xs text-slate-600 dark:border-slate-800 dark:text-slate-400">
          Only the first {MAX_MATCHES.toLocaleString("en-US")} matches are counted; a longer query narrows them.
        </p>
      ) : null}
    </section>
  );
});

function ToolButton({ label, onClick, disabled, children }: { label: string; onClick: () => void; disabled?: boolean; children: React.ReactNode }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      onClick={onClick}
      disabled={disabled}
      className="rounded-md border border-slate-300 bg-white p-1 hover:bg-slate-100 disabled:opacity-40 dark:border-slate-600 dark:bg-slate-950 dark:hover:bg-slate-800"
    >
      <svg aria-hidden width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        {children}
      </svg>
    </button>
  );
}

function TextButton({ onClick, children }: { onClick: () => void; children: React.ReactNode }) {
  return (
    <button
      type="button"
      onClick={onClick}
      className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-950 dark:hover:bg-slate-800"
    >
      {children}
    </button>
  );
}
