import "server-only";
import { and, desc, eq, ne, notInArray } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { webhookDeliveries } from "@/lib/db/schema";

/** Deliveries kept per hook: the newest ones; older ones that have ended go as new ones are stored (a pending one always stays). */
export const KEPT_DELIVERIES = 200;

/** Forgets a hook's ended deliveries beyond the newest KEPT_DELIVERIES, so a busy hook's history stays bounded. */
export function trimDeliveries(db: Pick<Db, "select" | "delete">, webhookId: number) {
  const newest = db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId)).orderBy(desc(webhookDeliveries.id)).limit(KEPT_DELIVERIES);
  db.delete(webhookDeliveries)
    .where(and(eq(webhookDeliveries.webhookId, webhookId), ne(webhookDeliveries.status, "pending"), notInArray(webhookDeliveries.id, newest)))
    .run();
}
