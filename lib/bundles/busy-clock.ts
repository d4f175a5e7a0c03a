import { BundleError } from "./bundle-error";

/**
 * The time an inspection spends working, without the time it waits for the
 * upload's next bytes: a slow upload is not refused, a costly archive is.
 */
export class BusyClock {
  private readonly start = performance.now();
  private waited = 0;

  constructor(private readonly maxMillis: number) {}

  /** The source's chunks, the wait for each one not counted. */
  async *chunksOf(source: AsyncIterable<unknown>): AsyncGenerator<unknown> {
    const iterator = source[Symbol.asyncIterator]();
    try {
      for (;;) {
        const asked = performance.now();
        const next = await iterator.next();
        this.waited += performance.now() - asked;
        if (next.done) return;
        this.check();
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
  }

  busyMillis(): number {
    return performance.now() - this.start - this.waited;
  }

  check(): void {
    if (this.busyMillis() > this.maxMillis) {
      const budget = this.maxMillis >= 1000 ? `${this.maxMillis / 1000} s` : `${this.maxMillis} ms`;
      throw new BundleError("too_costly", `reading the archive took more than ${budget} of work`);
    }
  }
}
