import type { LogLine } from "./log-store";

/** Past this many matches the count says "100,000+": enough to tell the reader to narrow the search. */
export const MAX_MATCHES = 100_000;

export type LogMatch = { readonly seq: number; readonly start: number; readonly end: number };
export type LocatedMatch = LogMatch & { readonly key: string };

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A case-insensitive matcher for the query, or null for an empty one. Offsets stay those of the text. */
export function queryPattern(query: string): RegExp | null {
  return query ? new RegExp(escapeRegExp(query), "giu") : null;
}

/** Start and end of every match in one line's text, left to right, not overlapping. */
export function matchesInText(text: string, pattern: RegExp | null): { start: number; end: number }[] {
  if (!pattern) return [];
  const out: { start: number; end: number }[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    out.push({ start: m.index, end: m.index + m[0].length });
  }
  return out;
}

type SectionMatches = { scanned: number; matches: LogMatch[] };

/**
 * The matches of one query over the whole log, collapsed sections included.
 * Lines that arrive later are scanned once, when `update` sees them, so a
 * search stays current while a build runs without scanning everything again.
 * Matches are counted in the order the sections are shown.
 */
export class LogSearchIndex {
  private readonly pattern: RegExp | null;
  private readonly bySection = new Map<string, SectionMatches>();
  total = 0;
  capped = false;

  constructor(readonly query: string) {
    this.pattern = queryPattern(query);
  }

  /** Scans the lines not seen yet; returns whether matches were added. */
  update(sections: Iterable<{ key: string; lines: readonly LogLine[] }>): boolean {
    if (!this.pattern) return false;
    const before = this.total;
    for (const { key, lines } of sections) {
      let entry = this.bySection.get(key);
      if (!entry) {
        entry = { scanned: 0, matches: [] };
        this.bySection.set(key, entry);
      }
      for (; entry.scanned < lines.length && !this.capped; entry.scanned++) {
        const line = lines[entry.scanned]!;
        for (const m of matchesInText(line.plain, this.pattern)) {
          entry.matches.push({ seq: line.seq, start: m.start, end: m.end });
          if (++this.total >= MAX_MATCHES) {
            this.capped = true;
            break;
          }
        }
      }
    }
    return this.total !== before;
  }

  matchesOf(key: string): readonly LogMatch[] {
    return this.bySection.get(key)?.matches ?? [];
  }

  /** The k-th match (0-based) in the order of `sections`. */
  at(sections: readonly { key: string }[], k: number): LocatedMatch | null {
    let rest = k;
    for (const { key } of sections) {
      const matches = this.matchesOf(key);
      if (rest < matches.length) return { ...matches[rest]!, key };
      rest -= matches.length;
    }
    return null;
  }

  /** The place of a match in the order of `sections`, or -1. */
  indexOf(sections: readonly { key: string }[], match: { seq: number; start: number }): number {
    let before = 0;
    for (const { key } of sections) {
      const matches = this.matchesOf(key);
      const i = findMatch(matches, match);
      if (i >= 0) return before + i;
      before += matches.length;
    }
    return -1;
  }
}

function findMatch(matches: readonly LogMatch[], target: { seq: number; start: number }) {
  let lo = 0;
  let hi = matches.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = matches[mid]!;
    const cmp = m.seq - target.seq || m.start - target.start;
    if (cmp === 0) return mid;
    if (cmp < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The match after (step 1) or before (step -1) `current`, wrapping around. */
export function stepMatch(index: LogSearchIndex, sections: readonly { key: string }[], current: { seq: number; start: number } | null, step: 1 | -1): LocatedMatch | null {
  if (index.total === 0) return null;
  const at = current ? index.indexOf(sections, current) : -1;
  const next = at < 0 ? (step === 1 ? 0 : index.total - 1) : (at + step + index.total) % index.total;
  return index.at(sections, next);
}
