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
        { type: "finish", id: 2, outcome: { status: "duplicate", kernel: "x", sha256: "ab".repeat(32) } },
        { type: "start", id: 3, now: 0 },
        { type: "finish", id: 3, outcome: { status: "rejected", reason: "bundle-c.tgz: the file is not gzip-compressed (not_gzip)" } },
        { type: "cancel", id: 4 },
      ],
      added,
    );
    expect(uploadSummary(items)).toBe("1 in progress, 1 stored, 1 already stored, 1 rejected, 1 cancelled");
    expect(run([{ type: "clear" }], items).map((i) => i.id)).toEqual([5]);
  });

  it("sends a file refused for another bundle of its kernel again, as a replacement, only when asked", () => {
    const conflict = { status: "conflict" as const, kernel: "a", sha256: "ab".repeat(32), storedSha256: "cd".repeat(32) };
    const refused = run(
      [
        { type: "start", id: 1, now: 0 },
        { type: "finish", id: 1, outcome: conflict },
        { type: "start", id: 2, now: 0 },
        { type: "finish", id: 2, outcome: { status: "rejected", reason: "bundle-b.tgz: the file is not gzip-compressed (not_gzip)" } },
      ],
      added,
    );
    expect(uploadSummary(refused)).toBe("3 in progress, 1 for a kernel stored with other content, 1 rejected");
    expect(refused[0]).toMatchObject({ state: "done", replace: false, outcome: conflict });
    // Only the conflict can be replaced; a plain refusal stays as it was.
    const again = run([{ type: "replace", id: 1 }, { type: "replace", id: 2 }], refused);
    expect(again[0]).toMatchObject({ state: "queued", replace: true, outcome: null, loaded: 0 });
    expect(again[1]).toEqual(refused[1]);
    const replaced = run([{ type: "start", id: 1, now: 5 }, { type: "finish", id: 1, outcome: { status: "replaced", kernel: "a", sha256: conflict.sha256, previousSha256: conflict.storedSha256 } }], again);
    expect(uploadSummary(replaced)).toBe("3 in progress, 1 replaced, 1 rejected");
  });
});
