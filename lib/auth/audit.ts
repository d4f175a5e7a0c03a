import "server-only";
import { desc } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { auditLog } from "@/lib/db/schema";

/** Records a change: who, what (`POST /api/builds`, `action startBuild`), on what, and how it ended. */
export function recordAudit(entry: { actor: string; action: string; target?: string | null; status?: number | null }, db: Db = getDb()) {
  db.insert(auditLog).values({ actor: entry.actor, action: entry.action, target: entry.target ?? null, status: entry.status ?? null }).run();
}

export function listAudit(limit = 200, db: Db = getDb()) {
  return db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(limit).all();
}
