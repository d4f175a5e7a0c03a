import { ApiError } from "@/lib/http/api-error";

// A password hash takes 32 MiB and a thread of libuv's pool (4 threads, shared
// with file reads and DNS). At most HASHES_AT_ONCE run together, so a burst of
// sign-ins cannot starve the rest of the dashboard; beyond WAITING_AT_MOST
// waiting, more are refused at once instead of queueing without bound.
const HASHES_AT_ONCE = 2;
const WAITING_AT_MOST = 64;

// One set of slots per process, whichever bundle of the app asks.
const holder = globalThis as unknown as { kobuildHashSlots?: { running: number; waiting: Array<() => void> } };
const slots = (holder.kobuildHashSlots ??= { running: 0, waiting: [] });

/** Runs `work` (one password hash) when a slot is free. */
export async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (slots.running >= HASHES_AT_ONCE) {
    if (slots.waiting.length >= WAITING_AT_MOST) throw new ApiError("too_many_requests", "too many sign-ins at once: try again in a few seconds", 5);
    await new Promise<void>((resolve) => slots.waiting.push(resolve));
  } else slots.running += 1;
  try {
    return await work();
  } finally {
    // The slot passes straight to the next in line, or is given back.
    const next = slots.waiting.shift();
    if (next) next();
    else slots.running -= 1;
  }
}
