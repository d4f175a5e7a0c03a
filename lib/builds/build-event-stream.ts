import "server-only";
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from "node:timers/promises";
import { formatSse, sseBytes, sseComment } from "./event-frames";
import { waitForBuildChange } from "./build-signals";
import { readLogPage } from "./shared-log-pages";
import { readBuildState } from "./shared-build-state";
import { ENDED_BUILD_STATUSES } from "@/lib/vocabulary";
import { metrics } from "@/lib/metrics/metrics";
import { drainingSignal } from "./draining";

const PAGE = 500;
const HEARTBEAT_MS = 10_000;
/** States come at most this often: a build whose state changes all the time must not keep a reader busy. */
const STATE_EVERY_MS = 100;
const ENDED = new Set<string>(ENDED_BUILD_STATUSES);

/**
 * The live events of a build: every log line (its sequence number is the SSE
 * id, so a client that reconnects with Last-Event-ID gets exactly what it
 * missed), a `state` event whenever stages, progress or status change, and
 * `end` with the result. Pull-based: nothing is read from the database until
 * the client has taken what it was sent. `signal` ends it at once (the
 * client left, or may no longer read), and so does the dashboard stopping (the
 * browser reconnects to the next process); `onClose` runs once when it ends in any way.
 */
export function streamBuildEvents(buildId: number, { afterSeq = 0, signal: callerSignal, onClose: callerOnClose }: { afterSeq?: number; signal?: AbortSignal; onClose?: () => void } = {}) {
  const signal = callerSignal ? AbortSignal.any([callerSignal, drainingSignal()]) : drainingSignal();
  metrics().eventStreams.inc();
  let counted = true;
  const onClose = () => {
    if (counted) metrics().eventStreams.dec();
    counted = false;
    callerOnClose?.();
  };
  let lastSeq = afterSeq;
  let lastState = "";
  let lastStateAt = 0;
  let closed = false;
  const close = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    if (closed) return;
    closed = true;
    onClose();
    try {
      controller.close();
    } catch {
      // the reader already went away
    }
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(sseBytes("retry: 2000\n\n"));
        if (signal.aborted) close(controller);
        else signal.addEventListener("abort", () => close(controller), { once: true });
      },
      cancel() {
        closed = true;
        onClose();
      },
      async pull(controller) {
        // A reader that takes every frame at once would otherwise pull again in the same turn of the
        // event loop, and again: one turn is left to the other requests between two frames.
        await yieldToEventLoop();
        for (;;) {
          if (closed) return;
          if (signal.aborted) return close(controller);
          // Shared with the build's other followers: read and encoded once.
          const page = readLogPage(buildId, lastSeq, PAGE);
          if (page) {
            lastSeq = page.lastSeq;
            controller.enqueue(page.bytes);
            return;
          }
          // Shared with the build's other followers: read once per change of the build.
          const view = readBuildState(buildId);
          const state = view.json;
          if (state !== lastState) {
            // A build's last state goes out at once: the throttle is for builds that keep changing.
            const early = ENDED.has(view.status) ? 0 : STATE_EVERY_MS - (Date.now() - lastStateAt);
            if (early > 0) {
              await sleep(early, undefined, { signal }).catch(() => undefined);
              continue; // the top of the loop ends the stream if the wait was aborted
            }
            lastState = state;
            lastStateAt = Date.now();
            controller.enqueue(sseBytes(`event: state\ndata: ${state}\n\n`));
            return;
          }
          if (ENDED.has(view.status)) {
            controller.enqueue(sseBytes(formatSse({ event: "end", data: { status: view.status, error: view.error, image: view.image } })));
            return close(controller);
          }
          const why = await waitForBuildChange(buildId, HEARTBEAT_MS, signal);
          if (closed || signal.aborted) return close(controller);
          if (why === "timeout") {
            controller.enqueue(sseComment("ping"));
            return;
          }
        }
      },
    },
    { highWaterMark: 1 },
  );
}
