import "server-only";
import { getDb } from "@/lib/db/client";
import { webhookDeliveries, webhooks } from "@/lib/db/schema";
import type { WebhookEvent } from "@/lib/vocabulary";
import { trimDeliveries } from "./delivery-history";
import { webhookBody, type EventData } from "./webhook-body";
import { wakeDispatcher } from "./webhook-dispatcher";

/**
 * Something happened that hooks may want to hear of: one pending delivery is
 * stored per webhook subscribed to `event` (its body written once, in the
 * hook's format, and sent as is at every attempt), and the dispatcher is woken.
 * Answers the deliveries' ids.
 */
export function emitEvent(event: WebhookEvent, data: EventData, occurredAt = new Date()): number[] {
  const db = getDb();
  const hooks = db.select({ id: webhooks.id, events: webhooks.events, format: webhooks.format }).from(webhooks).all().filter((h) => h.events.includes(event));
  if (hooks.length === 0) return [];
  const ids = db.transaction((tx) =>
    hooks.map((hook) => {
      const id = tx.insert(webhookDeliveries).values({ webhookId: hook.id, event, body: webhookBody(hook.format, event, occurredAt, data), nextAttemptAt: occurredAt }).returning({ id: webhookDeliveries.id }).get().id;
      trimDeliveries(tx, hook.id);
      return id;
    }),
  );
  wakeDispatcher();
  return ids;
}
