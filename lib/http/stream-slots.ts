import "server-only";
import { ApiError } from "./api-error";

// Long answers (a build's live events) hold a connection, a database reader
// and a listener each: they are counted, in all and per subject, and each
// keeps asking whether the one it serves may still read it (a session that
// ended, idled out or lost its password; a revoked token; a disabled user).

type Slot = { key: string; userId: number | null; credential: string | null; stillAllowed: () => boolean; controller: AbortController };
type Slots = { open: Set<Slot>; timer: NodeJS.Timeout | null };

const RECHECK_MS = 5_000;
const holder = globalThis as unknown as { kobuildStreamSlots?: Slots };
const slots = (holder.kobuildStreamSlots ??= { open: new Set(), timer: null });

export type StreamSlot = { signal: AbortSignal; release: () => void };

/**
 * A place for one more open stream of `key`, or 429 beyond `perKey` streams
 * of it or `total` in all. The slot's signal aborts when the request goes
 * away or its reader may no longer read; release() frees it (twice is harmless).
 */
export function openStreamSlot(options: {
  key: string;
  limits: { total: number; perKey: number };
  who: { userId: number; credential: string } | null;
  stillAllowed: () => boolean;
  request: AbortSignal;
}): StreamSlot {
  let sameKey = 0;
  for (const s of slots.open) if (s.key === options.key) sameKey += 1;
  if (sameKey >= options.limits.perKey) {
    throw new ApiError("too_many_requests", `${sameKey} live event streams are already open for this build (KOBUILD_MAX_EVENT_STREAMS_PER_BUILD); close a tab or try again later`, 10);
  }
  if (slots.open.size >= options.limits.total) {
    throw new ApiError("too_many_requests", `${slots.open.size} live event streams are already open (KOBUILD_MAX_EVENT_STREAMS); close a tab or try again later`, 10);
  }
  const controller = new AbortController();
  const slot: Slot = { key: options.key, userId: options.who?.userId ?? null, credential: options.who?.credential ?? null, stillAllowed: options.stillAllowed, controller };
  slots.open.add(slot);
  const release = () => {
    if (!slots.open.delete(slot)) return;
    if (slots.open.size === 0 && slots.timer) {
      clearInterval(slots.timer);
      slots.timer = null;
    }
  };
  const onGone = () => controller.abort();
  if (options.request.aborted) controller.abort();
  else options.request.addEventListener("abort", onGone, { once: true });
  controller.signal.addEventListener("abort", release, { once: true });
  slots.timer ??= setInterval(() => recheckStreams(), RECHECK_MS).unref();
  return { signal: controller.signal, release };
}

/**
 * Ends the open streams whose reader may no longer read: of one user at once
 * (a new password, a disabled user, a revoked token), or all of them (every
 * few seconds, for sessions that idle out or expire). One check per credential.
 */
export function recheckStreams(userId?: number) {
  const verdicts = new Map<string, boolean>();
  for (const slot of [...slots.open]) {
    if (userId !== undefined && slot.userId !== userId) continue;
    const id = slot.credential ?? "";
    let allowed = verdicts.get(id);
    if (allowed === undefined) {
      allowed = slot.stillAllowed();
      verdicts.set(id, allowed);
    }
    if (!allowed) slot.controller.abort();
  }
}
