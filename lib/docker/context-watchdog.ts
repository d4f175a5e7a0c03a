import "server-only";
import { pipeline, Transform, type Readable } from "node:stream";
import { performance } from "node:perf_hooks";

export class ContextStalled extends Error {
  constructor(readonly seconds: number) {
    super(`the engine took no bytes of the build context for ${seconds} s (KOBUILD_CONTEXT_STALL_SECONDS): it may be wedged (check the engine, e.g. restart dockerd)`);
    this.name = "ContextStalled";
  }
}

export type ContextWatch = {
  /** What to send in place of the context: the same bytes. */
  body: Readable;
  /** Aborts when the engine stalls on the context, and when `signal` does. */
  signal: AbortSignal;
  /** The stall, once it happened. */
  readonly stalled: ContextStalled | null;
  /** Stops watching; a context not sent to its end is destroyed, so its files close. */
  stop: () => void;
};

export type ContextWatchOptions = {
  stallSeconds: number;
  signal?: AbortSignal;
};

/**
 * Watches a build context on its way to an engine. The request reads the
 * context only as fast as the socket takes it (backpressure), so the time
 * since the last chunk was pulled is the time the engine has taken nothing.
 * When that reaches the limit while bytes wait to be sent, the request is
 * aborted. Once the whole context has been taken the watch ends: the build's
 * steps may then be silent for as long as they like.
 */
export function watchContext(context: Readable, options: ContextWatchOptions): ContextWatch {
  const stallMs = options.stallSeconds * 1000;
  const own = new AbortController();
  let stalled: ContextStalled | null = null;
  let lastPull = performance.now();
  let timer: NodeJS.Timeout | null = null;

  const body = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      // Called only when the body has room, that is when the request took what was there.
      lastPull = performance.now();
      done(null, chunk);
    },
  });

  const stopTimer = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  const arm = (ms: number) => {
    // The watch never keeps the process alive on its own.
    timer = setTimeout(check, Math.max(ms, 1)).unref();
  };
  const check = () => {
    timer = null;
    if (body.readableEnded || body.destroyed) return;
    const idle = performance.now() - lastPull;
    if (idle < stallMs) return arm(stallMs - idle);
    // Nothing waiting: the context itself is slow to come (files read from disk), not the engine.
    if (body.readableLength === 0 && body.writableLength === 0 && context.readableLength === 0) return arm(stallMs);
    stalled = new ContextStalled(options.stallSeconds);
    own.abort(stalled);
    body.destroy(stalled);
    context.destroy();
  };

  // An error of either side destroys both; the request learns of it from the body.
  pipeline(context, body, () => undefined);
  // Until the request listens to the body (BuildKit opens a session first), its error must not go unheard.
  body.on("error", () => undefined);
  body.once("end", stopTimer);
  body.once("close", stopTimer);
  arm(stallMs);

  return {
    body,
    signal: options.signal ? AbortSignal.any([options.signal, own.signal]) : own.signal,
    get stalled() {
      return stalled;
    },
    stop() {
      stopTimer();
      if (!body.readableEnded) {
        body.destroy();
        context.destroy();
      }
    },
  };
}

/**
 * Sends a build context with `send` (the request and the reading of its
 * response) under a watch: an engine that stops taking the context ends it
 * with ContextStalled rather than an endless wait.
 */
export async function sendWatchedContext<T>(context: Readable, options: ContextWatchOptions, send: (body: Readable, signal: AbortSignal) => Promise<T>): Promise<T> {
  const watch = watchContext(context, options);
  // A request still in its preamble (BuildKit's session) may not heed the signal: the stall ends the wait regardless.
  const stall = new Promise<never>((_, reject) =>
    watch.signal.addEventListener("abort", () => {
      if (watch.stalled) reject(watch.stalled);
    }, { once: true }),
  );
  try {
    return await raceStall(send(watch.body, watch.signal), stall, () => watch.stalled);
  } finally {
    watch.stop();
  }
}

/**
 * A request against its context's stall: whichever ends first decides. On a
 * stall, what the aborted request still reads is handled before the caller
 * records the end (for up to SETTLE_MS), and the stall is what is thrown.
 */
export async function raceStall<T>(sending: Promise<T>, stall: Promise<never>, stalled: () => ContextStalled | null): Promise<T> {
  stall.catch(() => undefined);
  sending.catch(() => undefined);
  try {
    return await Promise.race([sending, stall]);
  } catch (error) {
    const reason = stalled();
    if (!reason) throw error;
    await Promise.race([sending.then(noop, noop), new Promise((r) => setTimeout(r, SETTLE_MS).unref())]);
    throw reason;
  }
}

const SETTLE_MS = 5000;
const noop = () => undefined;
