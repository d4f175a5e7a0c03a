import { formatLimit } from "./format-limit";
import type { UploadOutcome } from "./upload-outcome";

// The files of the uploads panel and what became of each, as a reducer so the
// page can run a few uploads at once and show them all.

export type UploadItem = {
  id: number;
  file: File;
  state: "queued" | "uploading" | "checking" | "done" | "cancelled";
  /** Bytes of the file sent so far. */
  loaded: number;
  startedAt: number | null;
  /** When the last progress arrived; with startedAt it gives the speed. */
  lastAt: number | null;
  outcome: UploadOutcome | null;
  /** Sent again to replace the stored bundle of its kernel, once the user confirmed. */
  replace: boolean;
};

export type UploadAction =
  | { type: "add"; files: File[]; maxBytes: number; firstId: number }
  | { type: "start"; id: number; now: number }
  | { type: "progress"; id: number; loaded: number; now: number }
  | { type: "finish"; id: number; outcome: UploadOutcome }
  | { type: "cancel"; id: number }
  /** A file refused for another bundle of its kernel, queued again to replace it. */
  | { type: "replace"; id: number }
  | { type: "clear" };

/** Uploads that run at once: enough to keep the line busy, few enough for each to show steady progress. */
export const parallelUploads = 3;

export function uploadQueue(items: UploadItem[], action: UploadAction): UploadItem[] {
  switch (action.type) {
    case "add":
      return [
        ...items,
        ...action.files.map((file, i): UploadItem => {
          const base = { id: action.firstId + i, file, loaded: 0, startedAt: null, lastAt: null, replace: false };
          // The server would refuse it only after reading the limit's worth of it.
          if (file.size > action.maxBytes) {
            return { ...base, state: "done", outcome: { status: "rejected", reason: `${file.name}: the file is larger than ${formatLimit(action.maxBytes)}, the most kobuild accepts (too_large)` } };
          }
          return { ...base, state: "queued", outcome: null };
        }),
      ];
    case "start":
      return update(items, action.id, (item) => (item.state === "queued" ? { ...item, state: "uploading", startedAt: action.now, lastAt: action.now } : item));
    case "progress":
      return update(items, action.id, (item) =>
        item.state === "uploading" ? { ...item, loaded: action.loaded, lastAt: action.now, state: action.loaded >= item.file.size ? "checking" : "uploading" } : item,
      );
    case "finish":
      return update(items, action.id, (item) => (item.state === "cancelled" ? item : { ...item, state: "done", loaded: action.outcome.status === "rejected" ? item.loaded : item.file.size, outcome: action.outcome }));
    case "replace":
      return update(items, action.id, (item) =>
        item.outcome?.status === "conflict" ? { ...item, state: "queued", loaded: 0, startedAt: null, lastAt: null, outcome: null, replace: true } : item,
      );
    case "cancel":
      return update(items, action.id, (item) => (item.state === "queued" || item.state === "uploading" ? { ...item, state: "cancelled" } : item));
    case "clear":
      return items.filter((item) => item.state !== "done" && item.state !== "cancelled");
  }
}

function update(items: UploadItem[], id: number, change: (item: UploadItem) => UploadItem): UploadItem[] {
  return items.map((item) => (item.id === id ? change(item) : item));
}

/** The queued files to start now so that at most `parallelUploads` run. */
export function nextToStart(items: UploadItem[]): UploadItem[] {
  const running = items.filter((item) => item.state === "uploading" || item.state === "checking").length;
  return items.filter((item) => item.state === "queued").slice(0, Math.max(0, parallelUploads - running));
}

/** Bytes per second since the upload started; null until there is enough time to tell. */
export function uploadSpeed(item: UploadItem): number | null {
  if (item.startedAt === null || item.lastAt === null) return null;
  const seconds = (item.lastAt - item.startedAt) / 1000;
  return seconds >= 0.05 ? item.loaded / seconds : null;
}

export function uploadSummary(items: UploadItem[]): string {
  const count = (test: (item: UploadItem) => boolean) => items.filter(test).length;
  const parts = [
    [count((i) => i.state === "queued" || i.state === "uploading" || i.state === "checking"), "in progress"],
    [count((i) => i.outcome?.status === "stored"), "stored"],
    [count((i) => i.outcome?.status === "replaced"), "replaced"],
    [count((i) => i.outcome?.status === "duplicate"), "already stored"],
    [count((i) => i.outcome?.status === "conflict"), "for a kernel stored with other content"],
    [count((i) => i.outcome?.status === "rejected"), "rejected"],
    [count((i) => i.state === "cancelled"), "cancelled"],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}`)
    .join(", ");
}
