import { Readable, Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { ContextStalled, sendWatchedContext, watchContext } from "./context-watchdog";

const CHUNK = Buffer.alloc(16 * 1024, 1);

/** A context of `chunks` chunks, each after `gapMs` (0: as fast as it is read). */
function context(chunks: number, gapMs = 0) {
  let sent = 0;
  return new Readable({
    highWaterMark: CHUNK.length,
    read() {
      if (sent === chunks) return void this.push(null);
      sent++;
      if (gapMs === 0) this.push(CHUNK);
      else setTimeout(() => this.push(CHUNK), gapMs);
    },
  });
}

/** A socket-like consumer that takes `limit` bytes and then nothing more, as a wedged engine. */
function consumer(limit = Infinity) {
  const taken = { bytes: 0 };
  const sink = new Writable({
    highWaterMark: CHUNK.length,
    write(chunk: Buffer, _encoding, done) {
      taken.bytes += chunk.length;
      // Past the limit the write never completes: backpressure all the way back to the context.
      if (taken.bytes <= limit) done();
    },
  });
  return { sink, taken };
}

/** What a request to an engine does with a body: reads it to its end (or an error), then waits `thenMs`. */
function sendTo(sink: Writable, thenMs = 0) {
  return (body: Readable, signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      const fail = () => reject(signal.reason);
      signal.addEventListener("abort", fail, { once: true });
      body.on("error", reject);
      body.on("end", () => setTimeout(() => resolve("image"), thenMs));
      body.pipe(sink);
    });
}

describe("sendWatchedContext", () => {
  it("aborts a request whose consumer stops taking the context, saying the engine may be wedged", async () => {
    const source = context(1000);
    const { sink, taken } = consumer(256 * 1024);
    let signal: AbortSignal | null = null;
    const sent = sendWatchedContext(source, { stallSeconds: 0.2 }, (body, s) => {
      signal = s;
      return sendTo(sink)(body, s);
    });
    const error = await sent.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContextStalled);
    expect((error as Error).message).toBe(
      "the engine took no bytes of the build context for 0.2 s (KOBUILD_CONTEXT_STALL_SECONDS): it may be wedged (check the engine, e.g. restart dockerd)",
    );
    expect(signal!.aborted).toBe(true);
    expect(signal!.reason).toBe(error);
    // The context is given up: its files would close.
    expect(source.destroyed).toBe(true);
    expect(taken.bytes).toBeLessThan(1000 * CHUNK.length);
  });

  it("ends the wait even when the request does not heed its signal", async () => {
    const { sink } = consumer(64 * 1024);
    const deaf = (body: Readable) => {
      body.pipe(sink);
      return new Promise<string>(() => undefined);
    };
    await expect(sendWatchedContext(context(1000), { stallSeconds: 0.2 }, deaf)).rejects.toBeInstanceOf(ContextStalled);
    // It first gives the request a few seconds to settle.
  }, 20_000);

  it("stops watching once the whole context is taken: a silent step longer than the limit is no stall", async () => {
    const { sink, taken } = consumer();
    await expect(sendWatchedContext(context(64), { stallSeconds: 0.2 }, sendTo(sink, 800))).resolves.toBe("image");
    expect(taken.bytes).toBe(64 * CHUNK.length);
  });

  it("waits for a context that is slow to come, as long as the engine takes what there is", async () => {
    const { sink, taken } = consumer();
    await expect(sendWatchedContext(context(3, 400), { stallSeconds: 0.2 }, sendTo(sink))).resolves.toBe("image");
    expect(taken.bytes).toBe(3 * CHUNK.length);
  });

  it("passes the caller's abort on and leaves it a cancellation, not a stall", async () => {
    const controller = new AbortController();
    const { sink } = consumer(64 * 1024);
    const sent = sendWatchedContext(context(1000), { stallSeconds: 60, signal: controller.signal }, sendTo(sink));
    await sleep(50);
    controller.abort(new Error("cancelled"));
    await expect(sent).rejects.toThrow("cancelled");
  });

  it("hands an error of the context on to the request", async () => {
    const broken = new Readable({ read() { this.destroy(new Error("disk read failed")); } });
    const { sink } = consumer();
    await expect(sendWatchedContext(broken, { stallSeconds: 60 }, sendTo(sink))).rejects.toThrow("disk read failed");
  });
});

describe("watchContext", () => {
  it("gives up a context the request ended before its end", async () => {
    const source = context(1000);
    const watch = watchContext(source, { stallSeconds: 60 });
    const { sink } = consumer(64 * 1024);
    watch.body.pipe(sink);
    await sleep(20);
    watch.stop();
    expect(source.destroyed).toBe(true);
    expect(watch.stalled).toBeNull();
    expect(watch.signal.aborted).toBe(false);
  });
});
