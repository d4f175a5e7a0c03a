import { describe, expect, it } from "vitest";
import { nextToStart, uploadQueue, uploadSpeed, uploadSummary, type UploadAction, type UploadItem } from "./upload-queue";

const file = (name: string, size: number) => new File([new Uint8Array(size)], name);
const run = (actions: UploadAction[], items: UploadItem[] = []) => actions.reduce(uploadQueue, items);

describe("the upload queue", () => {
  const files = ["a", "b", "c", "d", "e"].map((n) => file(`bundle-${n}.tgz`, 1000));
  const added = run([{ type: "add", files, maxBytes: 10_000, firstId: 1 }]);

  it("starts three files at a time and the next one as soon as one ends", () => {
    expect(nextToStart(added).map((i) => i.id)).toEqual([1, 2, 3]);
    const three = run([1, 2, 3].map((id) => ({ type: "start", id, now: 0 })), added);
    expect(nextToStart(three)).toEqual([]);
    const oneDone = run([{ type: "finish", id: 2, outcome: { status: "stored", kernel: "b" } }], three);
    expect(nextToStart(oneDone).map((i) => i.id)).toEqual([4]);
  });

  it("keeps a file that has been sent in the running count while the server checks it", () => {
    const started = run([1, 2, 3].map((id) => ({ type: "start", id, now: 0 })), added);
    const sent = run([{ type: "progress", id: 1, loaded: 1000, now: 500 }], started);
    expect(sent.find((i) => i.id === 1)?.state).toBe("checking");
    expect(nextToStart(sent)).toEqual([]);
  });

  it("refuses a file over the limit without sending it", () => {
    const items = run([{ type: "add", files: [file("bundle-big.tgz", 2048)], maxBytes: 1024, firstId: 9 }]);
    expect(items[0]).toMatchObject({ state: "done", outcome: { status: "rejected", reason: "bundle-big.tgz: the file is larger than 1 KiB, the most kobuild accepts (too_large)" } });
    expect(nextToStart(items)).toEqual([]);
  });

  it("cancels a queued or sending file, and a late answer does not undo that", () => {
    const items = run(
      [
        { type: "start", id: 1, now: 0 },
        { type: "cancel", id: 1 },
        { type: "finish", id: 1, outcome: { status: "stored", kernel: "a" } },
        { type: "cancel", id: 5 },
      ],
      added,
    );
    expect(items.map((i) => i.state)).toEqual(["cancelled", "queued", "queued", "queued", "cancelled"]);
    expect(nextToStart(items).map((i) => i.id)).toEqual([2, 3, 4]);
  });

  it("measures speed from the start of the upload", () => {
    const items = run(
      [
        { type: "start", id: 1, now: 1000 },
        { type: "progress", id: 1, loaded: 500, now: 1500 },
      ],
      added,
    );
    expect(uploadSpeed(items[0]!)).toBe(1000);
    expect(uploadSpeed(items[1]!)).toBeNull();
  });

  it("sums up what happened and clears what has ended", () => {
    const items = run(
      [
        { type: "start", id: 1, now: 0 },
        { type: "finish", id: 1, outcome: { status: "stored", kernel: "a" } },
        { type: "start", id: 2, now: 0 },
        { type: "finish", id: 2, outcome: { status: "duplicate", kernel: "x" } },
        { type: "start", id: 3, now: 0 },
        { type: "finish", id: 3, outcome: { status: "rejected", reason: "bundle-c.tgz: the file is not gzip-compressed (not_gzip)" } },
        { type: "cancel", id: 4 },
      ],
      added,
    );
    expect(uploadSummary(items)).toBe("1 in progress, 1 stored, 1 already stored, 1 rejected, 1 cancelled");
    expect(run([{ type: "clear" }], items).map((i) => i.id)).toEqual([5]);
  });
});
