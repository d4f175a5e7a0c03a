import "server-only";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { log } from "@/lib/log/logger";

// Every page, event stream and build of kobuild shares one event loop: work
// that holds it up delays all of them, and the engine probes' timeouts fire
// late. A stall long enough for a person (or a timeout) to notice is said in
// the server's log, with how long it was.
const WINDOW_MS = 5000;
const REPORT_ABOVE_MS = 500;

const holder = globalThis as unknown as { kobuildLoopWatch?: { maxMs: () => number } };

export function watchEventLoop(report: (text: string) => void = (text) => log().warn(text)) {
  if (holder.kobuildLoopWatch) return holder.kobuildLoopWatch;
  const histogram = monitorEventLoopDelay({ resolution: 20 });
  histogram.enable();
  let worst = 0;
  const timer = setInterval(() => {
    const max = histogram.max / 1e6;
    worst = Math.max(worst, max);
    if (max > REPORT_ABOVE_MS) report(`the event loop was held up for ${Math.round(max)} ms in the last ${WINDOW_MS / 1000} s (p99 ${Math.round(histogram.percentile(99) / 1e6)} ms)`);
    histogram.reset();
  }, WINDOW_MS);
  timer.unref();
  holder.kobuildLoopWatch = { maxMs: () => worst };
  return holder.kobuildLoopWatch;
}
