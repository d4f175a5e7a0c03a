import "server-only";
import { and, asc, eq, gt } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { logLines } from "@/lib/db/schema";

export type StoredLogLine = { seq: number; stage: string | null; step: string | null; stream: number; ts: number; text: string };

// Followers read a page after every stored batch: the query is prepared once
// per connection instead of being built and prepared on every read.
const PAGE_SQL = "select seq, stage, step, stream, ts, text from log_lines where build_id = ? and seq > ? order by seq limit ?";
const prepared = new WeakMap<object, { all: (...args: number[]) => unknown[] }>();

/** Log lines after `afterSeq`, in order, at most `limit`; optionally of one stage. */
export function readLogLines(buildId: number, { afterSeq = 0, limit = 1000, stage }: { afterSeq?: number; limit?: number; stage?: string } = {}): StoredLogLine[] {
  const db = getDb();
  if (stage === undefined) {
    let page = prepared.get(db.$client);
    if (!page) prepared.set(db.$client, (page = db.$client.prepare(PAGE_SQL)));
    return page.all(buildId, afterSeq, limit) as StoredLogLine[];
  }
  return db
    .select({ seq: logLines.seq, stage: logLines.stage, step: logLines.step, stream: logLines.stream, ts: logLines.ts, text: logLines.text })
    .from(logLines)
    .where(and(eq(logLines.buildId, buildId), gt(logLines.seq, afterSeq), eq(logLines.stage, stage)))
    .orderBy(asc(logLines.seq))
    .limit(limit)
    .all();
}
