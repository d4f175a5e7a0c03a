import "server-only";
import http from "node:http";
import https from "node:https";
import { and, asc, eq, isNotNull, lte, min, notInArray } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { webhookDeliveries, webhooks } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { isDelivered, nextAttemptAt } from "./delivery-schedule";
import { SIGNATURE_HEADER, signBody } from "./webhook-signature";
import { openWebhookSecret } from "./webhook-secret";
import { checkedReceiver, InternalAddressRefused } from "./webhook-address";
import type { LookupFunction } from "node:net";
import { log } from "@/lib/log/logger";

// Sends pending deliveries: one POST per attempt, at most 10 s each, the
// answer's status and first 4 KiB kept, a failure tried again on the
// schedule of KOBUILD_WEBHOOK_RETRY_SECONDS. Pending deliveries live in the
// database, so what a stopped dashboard had not sent goes out after its next
// start (startWebhookDispatcher, from instrumentation.ts).

export const ATTEMPT_TIMEOUT_MS = 10_000;
export const RESPONSE_BODY_BYTES = 4096;
/** Deliveries sent at once. */
const PARALLEL = 4;

// On globalThis: Next loads this module once per bundle (instrumentation, routes, actions), all in one process.
type Dispatcher = { timer: NodeJS.Timeout | null; timerAt: number; pumping: boolean; again: boolean; sending: Set<number> };
const holder = globalThis as unknown as { kobuildWebhookDispatcher?: Dispatcher };
const state: Dispatcher = (holder.kobuildWebhookDispatcher ??= { timer: null, timerAt: Infinity, pumping: false, again: false, sending: new Set() });

/** Picks up what a previous start left pending. Called once at start-up. */
export function startWebhookDispatcher() {
  wakeDispatcher();
}

/** Sends what is due now and sets a timer for the next retry. Safe to call any time. */
export function wakeDispatcher() {
  if (state.pumping) {
    state.again = true;
    return;
  }
  state.pumping = true;
  void pump().finally(() => {
    state.pumping = false;
  });
}

async function pump() {
  try {
    do {
      state.again = false;
      const db = getDb();
      for (;;) {
        const due = db
          .select({ id: webhookDeliveries.id })
          .from(webhookDeliveries)
          .where(and(eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, new Date()), notInArray(webhookDeliveries.id, [...state.sending])))
          .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
          .limit(PARALLEL)
          .all();
        if (due.length === 0) break;
        await Promise.all(due.map((d) => attempt(d.id)));
      }
    } while (state.again);
    scheduleNext();
  } catch (error) {
    // The database went away or the disk is full: the next wake (or start) tries again.
    log().error({ error: (error as Error).message }, "webhook deliveries stopped");
  }
}

function scheduleNext() {
  const next = getDb()
    .select({ at: min(webhookDeliveries.nextAttemptAt) })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, "pending"), isNotNull(webhookDeliveries.nextAttemptAt)))
    .get()?.at;
  if (!next) return;
  const at = next.getTime();
  if (state.timer && state.timerAt <= at) return;
  if (state.timer) clearTimeout(state.timer);
  state.timerAt = at;
  state.timer = setTimeout(() => {
    state.timer = null;
    state.timerAt = Infinity;
    wakeDispatcher();
  }, Math.max(0, at - Date.now()));
  // A waiting retry does not keep a process (a script, a test) alive.
  state.timer.unref();
}

/** One attempt of one delivery, and its outcome stored. */
async function attempt(deliveryId: number) {
  state.sending.add(deliveryId);
  try {
    const db = getDb();
    const row = db
      .select({ delivery: webhookDeliveries, hook: webhooks })
      .from(webhookDeliveries)
      .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, "pending")))
      .get();
    if (!row) return;
    const { delivery, hook } = row;
    const result = await post(hook.url, delivery, () => openWebhookSecret(hook.id, hook.secretSealed));
    const attempts = delivery.attempts + 1;
    const now = Date.now();
    const delivered = result.status !== null && isDelivered(result.status);
    const retryAt = delivered || result.final ? null : nextAttemptAt(attempts, env().webhookRetrySeconds, now);
    db.update(webhookDeliveries)
      .set({
        attempts,
        lastAttemptAt: new Date(now),
        responseStatus: result.status,
        responseBody: result.body,
        error: delivered ? null : result.error,
        status: delivered ? "delivered" : retryAt === null ? "failed" : "pending",
        nextAttemptAt: retryAt === null ? null : new Date(retryAt),
        finishedAt: retryAt === null ? new Date(now) : null,
      })
      .where(eq(webhookDeliveries.id, deliveryId))
      .run();
  } finally {
    state.sending.delete(deliveryId);
  }
}

/** `final`: no later attempt can do better (the receiver's address is refused). */
type AttemptResult = { status: number | null; body: string | null; error: string | null; final?: boolean };

async function post(url: string, delivery: typeof webhookDeliveries.$inferSelect, secret: () => string): Promise<AttemptResult> {
  let receiver: Awaited<ReturnType<typeof checkedReceiver>>;
  try {
    receiver = await checkedReceiver(url);
  } catch (error) {
    if (error instanceof InternalAddressRefused) return { status: null, body: null, error: `not sent: ${error.message}`, final: true };
    return { status: null, body: null, error: describeFailure(error) };
  }
  let signature: string;
  try {
    signature = signBody(delivery.body, secret());
  } catch (error) {
    return { status: null, body: null, error: (error as Error).message };
  }
  try {
    const answer = await send(url, receiver.lookup, delivery.body, {
      "content-type": "application/json",
      "user-agent": "kobuild-webhooks",
      [SIGNATURE_HEADER]: signature,
      "X-Kobuild-Event": delivery.event,
      "X-Kobuild-Delivery": String(delivery.id),
    });
    return { status: answer.status, body: answer.body, error: isDelivered(answer.status) ? null : `the receiver answered ${answer.status}${answer.statusText ? ` ${answer.statusText}` : ""}` };
  } catch (error) {
    return { status: null, body: null, error: describeFailure(error) };
  }
}

/**
 * One POST with node:http(s), which (unlike fetch) reaches any port and
 * follows no redirect: a redirect is an answer to keep, not a place to send
 * the body and its signature on to. Only the answer's first
 * RESPONSE_BODY_BYTES are read; the whole exchange has ATTEMPT_TIMEOUT_MS.
 * It connects only to the addresses checkedReceiver resolved and checked.
 */
function send(url: string, lookup: LookupFunction, body: string, headers: Record<string, string>): Promise<{ status: number; statusText: string; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === "https:" ? https : http;
    const request = client.request(target, { method: "POST", headers: { ...headers, "content-length": String(Buffer.byteLength(body)) }, lookup, signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? "", body: new TextDecoder().decode(Buffer.concat(chunks).subarray(0, RESPONSE_BODY_BYTES)) });
      response.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.byteLength;
        if (size >= RESPONSE_BODY_BYTES) {
          done();
          response.destroy();
        }
      });
      response.on("end", done);
      response.on("error", done);
      response.on("close", done);
    });
    request.on("error", reject);
    request.end(body);
  });
}

function describeFailure(error: unknown): string {
  const e = error as { name?: string; code?: string; message?: string };
  if (e.name === "AbortError" || e.name === "TimeoutError") return `no answer within ${ATTEMPT_TIMEOUT_MS / 1000} s`;
  if (e.code) return `could not reach the receiver (${e.code})`;
  return e.message ?? String(error);
}
