import "server-only";
import { and, asc, eq, gt } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { logLines } from "@/lib/db/schema";

/** Log lines after `afterSeq`, in order, at most `limit`; optionally of one stage. */
export function readLogLines(buildId: number, { afterSeq = 0, limit = 1000, stage }: { afterSeq?: number; limit?: number; stage?: string } = {}) {
  const where = [eq(logLines.buildId, buildId), gt(logLines.seq, afterSeq)];
  if (stage !== undefined) where.push(eq(logLines.stage, stage));
  return getDb()
    .select({ seq: logLines.seq, stage: logLines.stage, step: logLines.step, stream: logLines.stream, ts: logLines.ts, text: logLines.text })
    .from(logLines)
    .where(and(...where))
    .orderBy(asc(logLines.seq))
    .limit(limit)
    .all();
}
