import "server-only";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";

/**
 * Reads an engine response as fast as the engine writes it and hands the
 * chunks to `onChunks` in batches. The engine must never wait for kobuild:
 * when a BuildKit progress stream is read slowly, engine 20.10 drops log
 * output and then sends empty status messages without end. The bytes wait
 * here instead, and `onChunks` catches up between socket reads.
 */
/** `onChunks` returns true to stop reading: the response is then destroyed. */
export async function drainResponse(response: NodeJS.ReadableStream, onChunks: (chunks: Buffer[]) => boolean | void) {
  let queue: Buffer[] = [];
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  response.on("data", (chunk: Buffer) => {
    queue.push(chunk);
    notify();
  });
  response.on("end", () => {
    ended = true;
    notify();
  });
  response.on("error", (error: Error) => {
    failure = error;
    notify();
  });
  for (;;) {
    if (queue.length > 0) {
      const batch = queue;
      queue = [];
      if (onChunks(batch) === true) {
        (response as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
        return;
      }
      await yieldToEventLoop();
      continue;
    }
    if (failure) throw failure;
    if (ended) return;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}
