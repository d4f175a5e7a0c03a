import { describe, expect, it } from "vitest";
import { BundleError } from "./bundle-error";
import { inspectBundle } from "./inspect-bundle";
import { inspectInWorker } from "./inspect-in-worker";
import { maxInspections } from "./inspector-pool";
import { bytesOf, gzipStream, piecesOf, validEntries } from "./testing/bundle-archive";
import { hostileCorpus } from "./testing/hostile-corpus";

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "accepted",
    (error: unknown) => {
      if (error instanceof BundleError) return error.reason;
      throw error;
    },
  );
}

describe("inspectInWorker", () => {
  it("says what inspectBundle says, from a worker thread", async () => {
    const bytes = await bytesOf(gzipStream(validEntries()));
    expect(await inspectInWorker(piecesOf(bytes, 1000))).toEqual(await inspectBundle(piecesOf(bytes, 1000)));
    const fifo = hostileCorpus.find((c) => c.what.startsWith("a symlink carrying data"))!;
    expect(await reasonOf(inspectInWorker(piecesOf(await fifo.bytes(), 100)))).toBe("ambiguous_entry");
  });

  it(`runs ${maxInspections} at once; the other uploads wait for a worker and are then read, not refused`, async () => {
    const bytes = await bytesOf(gzipStream(validEntries()));
    const asked: number[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    // Each upload's first chunk arrives only once the gate opens.
    const upload = (i: number) =>
      (async function* () {
        asked.push(i);
        await gate;
        yield* piecesOf(bytes, 4096);
      })();
    const running = [0, 1, 2, 3, 4].map((i) => inspectInWorker(upload(i)));
    while (asked.length < maxInspections) await new Promise((r) => setTimeout(r, 20));
    // Whatever the time, the others are not read while the first ones hold the workers.
    await new Promise((r) => setTimeout(r, 300));
    expect(asked).toHaveLength(maxInspections);
    open();
    const infos = await Promise.all(running);
    expect(infos.map((info) => info.uname)).toEqual(Array(5).fill("5.4.0-1055-gcp"));
    expect(asked.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it("passes the source's own failure on as it is, and the next inspection still works", async () => {
    const bytes = await bytesOf(gzipStream(validEntries()));
    const failing = (async function* () {
      yield bytes.subarray(0, 100);
      throw new Error("the upload was cut off");
    })();
    await expect(inspectInWorker(failing)).rejects.toThrow("the upload was cut off");
    expect((await inspectInWorker(piecesOf(bytes, 512))).uname).toBe("5.4.0-1055-gcp");
  });

  it("refuses an inspection past its work budget as too_costly", async () => {
    const bytes = await bytesOf(gzipStream(validEntries()));
    const error = await inspectInWorker(piecesOf(bytes, 512), { maxBusyMillis: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as BundleError).message).toBe("reading the archive took more than 0 ms of work (too_costly)");
  });
});

describe("inspectBundle's budgets and chunking", () => {
  it("refuses names and link targets past their budget", async () => {
    const error = await inspectBundle(gzipStream(validEntries()), { limits: { maxNameBytes: 100 } }).catch((e: unknown) => e);
    expect((error as BundleError).message).toBe("the archive's entry names and link targets add up to more than 100 bytes (too_costly)");
  });

  it.each(hostileCorpus.filter((c) => c.kind !== "costly"))("reads $what the same in pieces of 7 bytes: $outcome", async (c) => {
    expect(await reasonOf(inspectBundle(piecesOf(await c.bytes(), 7)))).toBe(c.outcome);
  });
});
