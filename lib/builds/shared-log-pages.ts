import "server-only";
import { formatSse, sseBytes } from "./event-frames";
import { readLogLines } from "./read-log-lines";

// Every follower of a build reads the same pages of its log: a hundred open
// pages made the dashboard read and encode each line a hundred times. A page
// once read and encoded is shared by every reader at the same point. Stored
// lines never change, so a page read after `afterSeq` stays right for all who
// come to that point later (a page read while the build still wrote may be
// short: its readers go on from its last line, as the first one did).

type Page = { bytes: Uint8Array; lastSeq: number };

/** Encoded pages kept at most, in bytes, for all builds together; the least recently read go first. */
const MAX_BYTES = 32 * 2 ** 20;

const holder = globalThis as unknown as { kobuildLogPages?: { pages: Map<string, Page>; bytes: number }; kobuildLastStoredLine?: Map<number, number> };
const cache = (holder.kobuildLogPages ??= { pages: new Map(), bytes: 0 });

// The last line stored of each build this process writes the log of. A
// follower that has caught up is woken by every stored batch, and asking the
// database whether there is more cost a query per follower per batch: a
// hundred followers spent most of the dashboard's time asking.
const MAX_WRITTEN_BUILDS = 1_000;
const lastStored = (holder.kobuildLastStoredLine ??= new Map());

/** Called by the build's log writer once a batch is stored (and before readers are woken). */
export function noteLogStored(buildId: number, lastSeq: number) {
  lastStored.delete(buildId);
  lastStored.set(buildId, lastSeq);
  if (lastStored.size > MAX_WRITTEN_BUILDS) lastStored.delete(lastStored.keys().next().value!);
}

/** The log lines of `buildId` after `afterSeq` (at most `limit`) as SSE frames, or null when there is none yet. */
export function readLogPage(buildId: number, afterSeq: number, limit: number): Page | null {
  const stored = lastStored.get(buildId);
  if (stored !== undefined && stored <= afterSeq) return null;
  const key = `${buildId}:${afterSeq}`;
  const hit = cache.pages.get(key);
  if (hit) {
    cache.pages.delete(key);
    cache.pages.set(key, hit);
    return hit;
  }
  const lines = readLogLines(buildId, { afterSeq, limit });
  if (lines.length === 0) return null;
  const page = { bytes: sseBytes(lines.map((l) => formatSse({ id: l.seq, event: "log", data: l })).join("")), lastSeq: lines[lines.length - 1]!.seq };
  cache.pages.set(key, page);
  cache.bytes += page.bytes.byteLength;
  for (const [oldKey, old] of cache.pages) {
    if (cache.bytes <= MAX_BYTES) break;
    cache.pages.delete(oldKey);
    cache.bytes -= old.bytes.byteLength;
  }
  return page;
}

/** Drops the pages of builds whose log lines were removed (retention). */
export function forgetLogPages(buildIds: Iterable<number>) {
  const gone = new Set([...buildIds].map(String));
  for (const id of gone) lastStored.delete(Number(id));
  for (const [key, page] of cache.pages) {
    if (!gone.has(key.slice(0, key.indexOf(":")))) continue;
    cache.pages.delete(key);
    cache.bytes -= page.bytes.byteLength;
  }
}
