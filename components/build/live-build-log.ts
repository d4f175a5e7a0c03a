"use client";

import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { BuildEndEvent, BuildStateEvent, LogLineEvent } from "./build-types";
import { nextSerial } from "./location-hash";
import { LogSearchIndex } from "./log-search";
import { LogStore, type LogSectionLines } from "./log-store";

export type LogSnapshot = {
  /** Grows with every batch of lines; what memoised views of the log depend on. */
  version: number;
  sections: ReadonlyMap<string, LogSectionLines>;
  lineCount: number;
  lastSeq: number;
  /** The longest line, in characters, for the width of the unwrapped log. */
  maxLength: number;
  /** True once the stream has sent everything that existed when it opened. */
  caughtUp: boolean;
  ended: boolean;
  connection: "connecting" | "open" | "reconnecting" | "closed";
  /** The current search over every line held; `serial` orders it against the reader's other requests. */
  search: { index: LogSearchIndex; total: number; capped: boolean; serial: number } | null;
};

type Handlers = { onState?: (state: BuildStateEvent) => void; onEnd?: (end: BuildEndEvent) => void };

/** Lines beyond which batches are taken a few times a second rather than every frame: each batch re-lays the list. */
const LARGE_LOG = 50_000;

/**
 * Follows a build's events stream: keeps every line in memory, grouped per
 * stage, and tells subscribers about new lines at most once per animation
 * frame, so a flood of lines costs one render per frame, not one per line.
 */
export class LiveBuildLog {
  private readonly store = new LogStore();
  private pending: Omit<LogLineEvent, "step">[] = [];
  private history: AbortController | null = null;
  private readonly listeners = new Set<() => void>();
  private source: EventSource | null = null;
  private frame = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private maxLength = 0;
  private search: LogSearchIndex | null = null;
  private searchSerial = 0;
  private snapshot: LogSnapshot;
  /**
   * The last `state` event: newer than any reading of the build view that
   * began before it, so such a reading must not undo it.
   */
  latestState: BuildStateEvent | null = null;
  /** Read at each event, so the page's latest handlers get it. */
  private handlers: () => Handlers = () => ({});

  constructor(private readonly buildId: number) {
    this.snapshot = this.makeSnapshot(0, false, false, "connecting");
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  getSnapshot = () => this.snapshot;

  connect(handlers: () => Handlers) {
    this.handlers = handlers;
    if (this.source || this.history || this.snapshot.ended) return;
    const history = new AbortController();
    this.history = history;
    this.loadHistory(history.signal)
      .catch(() => {
        // The events stream sends whatever the bulk read missed.
      })
      .finally(() => {
        if (history.signal.aborted) return;
        this.history = null;
        this.flush();
        this.listen();
      });
  }

  /**
   * The lines stored so far, in bulk: an events stream delivers a few tens of
   * thousands of events a second in a browser, the NDJSON log ten times that.
   */
  private async loadHistory(signal: AbortSignal) {
    const response = await fetch(`/api/builds/${this.buildId}/logs?format=ndjson`, { signal, cache: "no-store" });
    if (!response.ok || !response.body) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const parts = (rest + value).split("\n");
      rest = parts.pop()!;
      for (const part of parts) if (part) this.pending.push(JSON.parse(part) as Omit<LogLineEvent, "step">);
      this.schedule();
    }
  }

  private listen() {
    // `after` resumes where this page stopped; the browser's own reconnects send Last-Event-ID.
    const source = new EventSource(`/api/builds/${this.buildId}/events?after=${this.store.lastSeq}`);
    this.source = source;
    source.addEventListener("open", () => this.update({ connection: "open" }));
    source.addEventListener("log", (e) => {
      this.pending.push(JSON.parse((e as MessageEvent<string>).data) as LogLineEvent);
      this.schedule();
    });
    source.addEventListener("state", (e) => {
      this.flush();
      this.latestState = JSON.parse((e as MessageEvent<string>).data) as BuildStateEvent;
      this.update({ caughtUp: true });
      this.handlers().onState?.(this.latestState);
    });
    source.addEventListener("end", (e) => {
      this.flush();
      this.close();
      this.update({ caughtUp: true, ended: true, connection: "closed" });
      this.handlers().onEnd?.(JSON.parse((e as MessageEvent<string>).data) as BuildEndEvent);
    });
    source.addEventListener("error", () => {
      // CONNECTING: the browser tries again by itself; CLOSED: the server refused (the build is gone).
      this.update({ connection: source.readyState === EventSource.CLOSED ? "closed" : "reconnecting" });
    });
  }

  /** Searches every line held and, from now on, every line that arrives. */
  setQuery = (query: string) => {
    if ((this.search?.query ?? "") === query) return;
    this.search = query ? new LogSearchIndex(query) : null;
    this.search?.update(this.store.sections.values());
    this.searchSerial = nextSerial();
    this.update({});
  };

  close() {
    this.history?.abort();
    this.history = null;
    this.source?.close();
    this.source = null;
    if (this.frame) cancelAnimationFrame(this.frame);
    if (this.timer) clearTimeout(this.timer);
    this.frame = 0;
    this.timer = null;
  }

  private schedule() {
    if (this.timer) return;
    const large = this.store.lineCount > LARGE_LOG;
    // The timer also covers hidden tabs, where animation frames do not come.
    this.timer = setTimeout(() => this.flush(), large ? 250 : 100);
    if (!large) this.frame = requestAnimationFrame(() => this.flush());
  }

  private flush() {
    if (this.frame) cancelAnimationFrame(this.frame);
    if (this.timer) clearTimeout(this.timer);
    this.frame = 0;
    this.timer = null;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    for (const line of batch) if (line.text.length > this.maxLength) this.maxLength = line.text.length;
    if (this.store.add(batch) === 0) return;
    this.search?.update(this.store.sections.values());
    this.update({});
  }

  private update(change: Partial<Pick<LogSnapshot, "caughtUp" | "ended" | "connection">>) {
    const s = this.snapshot;
    this.snapshot = this.makeSnapshot(s.version + 1, change.caughtUp ?? s.caughtUp, change.ended ?? s.ended, change.connection ?? s.connection);
    for (const listener of this.listeners) listener();
  }

  private makeSnapshot(version: number, caughtUp: boolean, ended: boolean, connection: LogSnapshot["connection"]): LogSnapshot {
    return {
      version,
      sections: this.store.sections,
      lineCount: this.store.lineCount,
      lastSeq: this.store.lastSeq,
      maxLength: this.maxLength,
      caughtUp,
      ended,
      connection,
      search: this.search ? { index: this.search, total: this.search.total, capped: this.search.capped, serial: this.searchSerial } : null,
    };
  }
}

/** The live log of a build, connected while the component is mounted. Read it with `useLogSnapshot`. */
export function useLiveBuildLog(buildId: number, handlers: Handlers): LiveBuildLog {
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  }, [handlers]);
  const [live] = useState(() => new LiveBuildLog(buildId));
  useEffect(() => {
    live.connect(() => latest.current);
    return () => live.close();
  }, [live]);
  return live;
}

/** What the live log holds now; a component using it renders again with each batch of lines. */
export function useLogSnapshot(live: LiveBuildLog): LogSnapshot {
  return useSyncExternalStore(live.subscribe, live.getSnapshot, live.getSnapshot);
}
