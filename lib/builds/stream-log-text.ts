import "server-only";
import { readLogLines } from "./read-log-lines";

/** A build's log as plain text, read page by page as the client takes it. */
export function streamLogText(buildId: number, stage?: string) {
  const encoder = new TextEncoder();
  let afterSeq = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const lines = readLogLines(buildId, { afterSeq, limit: 5000, stage });
      if (lines.length === 0) return controller.close();
      afterSeq = lines[lines.length - 1]!.seq;
      const text = lines.map((l) => (stage || !l.stage ? l.text : `[${l.stage}] ${l.text}`)).join("\n") + "\n";
      controller.enqueue(encoder.encode(text));
    },
  });
}

/**
 * A build's log lines as NDJSON, one `{seq, stage, stream, ts, text}` object
 * per line: what a page needs to show a finished log, read in bulk far
 * faster than one event per line.
 */
export function streamLogLines(buildId: number, stage?: string) {
  const encoder = new TextEncoder();
  let afterSeq = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const lines = readLogLines(buildId, { afterSeq, limit: 5000, stage });
      if (lines.length === 0) return controller.close();
      afterSeq = lines[lines.length - 1]!.seq;
      const text = lines.map(({ seq, stage: s, stream, ts, text: t }) => JSON.stringify({ seq, stage: s, stream, ts, text: t })).join("\n") + "\n";
      controller.enqueue(encoder.encode(text));
    },
  });
}
