import "server-only";
import { and, desc, eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { webhookDeliveries, webhooks } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import { trimDeliveries } from "./delivery-history";
import { webhookBody } from "./webhook-body";
import { wakeDispatcher } from "./webhook-dispatcher";
import { internalAddressProblem } from "./webhook-address";
import type { CreateWebhookBody, UpdateWebhookBody } from "./webhook-schemas";
import { sealWebhookSecret } from "./webhook-secret";

export type WebhookRow = typeof webhooks.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferSelect;

/** Deliveries listed per hook. */
export const RECENT_DELIVERIES = 20;

/** What the API and Settings show of a hook: never the secret, not even whether it is set (it always is). */
export function webhookView(row: WebhookRow) {
  return { id: row.id, url: row.url, events: row.events, format: row.format, createdBy: row.createdBy, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

/** One delivery as shown: what was sent, where it is, and what the receiver last answered. */
export function deliveryView(row: DeliveryRow) {
  return {
    id: row.id,
    webhookId: row.webhookId,
    event: row.event,
    body: row.body,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    lastAttemptAt: row.lastAttemptAt,
    responseStatus: row.responseStatus,
    responseBody: row.responseBody,
    error: row.error,
    redeliveryOf: row.redeliveryOf,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
  };
}

export type WebhookView = ReturnType<typeof webhookView>;
export type DeliveryView = ReturnType<typeof deliveryView>;
export type WebhookWithDeliveries = WebhookView & { deliveries: DeliveryView[] };

function getWebhookRow(id: number): WebhookRow {
  const row = getDb().select().from(webhooks).where(eq(webhooks.id, id)).get();
  if (!row) throw new DomainError("not_found", `no webhook with id ${id}`);
  return row;
}

/** Every hook, oldest first, each with its latest deliveries, newest first. */
export function listWebhooks(): WebhookWithDeliveries[] {
  const db = getDb();
  return db
    .select()
    .from(webhooks)
    .orderBy(webhooks.id)
    .all()
    .map((row) => ({
      ...webhookView(row),
      deliveries: db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, row.id)).orderBy(desc(webhookDeliveries.id)).limit(RECENT_DELIVERIES).all().map(deliveryView),
    }));
}

/** A receiver on an internal address is refused before anything is stored (see webhook-address.ts). */
async function checkReceiver(url: string) {
  const problem = await internalAddressProblem(url);
  if (problem) throw new DomainError("bad_request", `url: ${problem}`);
}

/** Adds a hook; its secret is sealed in the same transaction, bound to the new row, so nothing is kept half-way. */
export async function createWebhook(body: CreateWebhookBody, createdBy: string | null): Promise<WebhookView> {
  await checkReceiver(body.url);
  const db = getDb();
  const row = db.transaction((tx) => {
    const now = new Date();
    const inserted = tx.insert(webhooks).values({ url: body.url, events: body.events, format: body.format, secretSealed: "", createdBy, updatedAt: now }).returning().get();
    return tx.update(webhooks).set({ secretSealed: sealWebhookSecret(inserted.id, body.secret) }).where(eq(webhooks.id, inserted.id)).returning().get();
  });
  return webhookView(row);
}

/** Changes a hook's URL, events or format, or replaces its secret (sealed as a new one is); deliveries not sent yet go out with what it is now. */
export async function updateWebhook(id: number, body: UpdateWebhookBody): Promise<WebhookView> {
  getWebhookRow(id);
  if (body.url !== undefined) await checkReceiver(body.url);
  const row = getDb()
    .update(webhooks)
    .set({
      ...(body.url !== undefined ? { url: body.url } : {}),
      ...(body.events !== undefined ? { events: body.events } : {}),
      ...(body.format !== undefined ? { format: body.format } : {}),
      ...(body.secret !== undefined ? { secretSealed: sealWebhookSecret(id, body.secret) } : {}),
      updatedAt: new Date(),
    })
    .where(eq(webhooks.id, id))
    .returning()
    .get();
  return webhookView(row);
}

/** Removes a hook with its deliveries; one not yet sent is not sent. */
export function removeWebhook(id: number): WebhookView {
  const row = getWebhookRow(id);
  getDb().delete(webhooks).where(eq(webhooks.id, id)).run();
  return webhookView(row);
}

/** "Send again": a new delivery of the exact body an earlier one sent, with attempts of its own. */
export function redeliver(webhookId: number, deliveryId: number): DeliveryView {
  getWebhookRow(webhookId);
  const db = getDb();
  const earlier = db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.webhookId, webhookId))).get();
  if (!earlier) throw new DomainError("not_found", `webhook ${webhookId} has no delivery with id ${deliveryId}`);
  const row = db.insert(webhookDeliveries).values({ webhookId, event: earlier.event, body: earlier.body, redeliveryOf: earlier.id, nextAttemptAt: new Date() }).returning().get();
  trimDeliveries(db, webhookId);
  wakeDispatcher();
  return deliveryView(row);
}

/** Sends a `ping` to one hook, whatever it subscribed to: a way to check its URL and secret. */
export function pingWebhook(webhookId: number, by: string | null): DeliveryView {
  const hook = getWebhookRow(webhookId);
  const now = new Date();
  const body = webhookBody(hook.format, "ping", now, { webhookId, by, message: "kobuild checks that this hook receives its messages" });
  const db = getDb();
  const row = db.insert(webhookDeliveries).values({ webhookId, event: "ping", body, nextAttemptAt: now }).returning().get();
  trimDeliveries(db, webhookId);
  wakeDispatcher();
  return deliveryView(row);
}
