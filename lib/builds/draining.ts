import "server-only";
import { DomainError } from "@/lib/domain-error";

// While the dashboard stops (SIGTERM), it drains: queued builds stay queued
// for the next start, new builds are refused, and live event streams end so
// that browsers reconnect to the next process.
type Draining = { since: number | null; streams: AbortController };
const holder = globalThis as unknown as { kobuildDraining?: Draining };
const state = (holder.kobuildDraining ??= { since: null, streams: new AbortController() });

/** From now on: no build starts or is accepted, and every live event stream ends. */
export function startDraining() {
  state.since ??= Date.now();
  state.streams.abort();
}

export function isDraining(): boolean {
  return state.since !== null;
}

/** Aborts when the dashboard starts to stop: live event streams end with it. */
export function drainingSignal(): AbortSignal {
  return state.streams.signal;
}

/** 503 with Retry-After while the dashboard stops: the next process takes the build. */
export function refuseWhileDraining() {
  if (isDraining()) throw new DomainError("shutting_down", "kobuild is stopping and takes no new builds now; try again once it is back", 30);
}
