import "server-only";
import { readLogLines } from "./read-log-lines";

type LogLine = ReturnType<typeof readLogLines>[number];

/**
 * A build's log lines, read 5,000 at a time as the client takes them, each
 * page written by `format`. A fast reader pulls the next page in the same
 * microtask chain, so each page first waits for the event loop's turn:
 * half a million lines would otherwise hold every other request for seconds.
 */
function streamLogPages(buildId: number, stage: string | undefined, format: (line: LogLine) => string) {
  const encoder = new TextEncoder();
  let afterSeq = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setImmediate(resolve));
      const lines = readLogLines(buildId, { afterSeq, limit: 5000, stage });
      if (lines.length === 0) return controller.close();
      afterSeq = lines[lines.length - 1]!.seq;
      controller.enqueue(encoder.encode(lines.map(format).join("\n") + "\n"));
    },
  });
}

/** A build's log as plain text; without a stage, each line says which stage it belongs to. */
export function streamLogText(buildId: number, stage?: string) {
  return streamLogPages(buildId, stage, (l) => (stage || !l.stage ? l.text : `[${l.stage}] ${l.text}`));
}

/**
 * A build's log lines as NDJSON, one `{seq, stage, stream, ts, text}` object
 * per line: what a page needs to show a finished log, read in bulk far
 * faster than one event per line.
 */
export function streamLogLines(buildId: number, stage?: string) {
  return streamLogPages(buildId, stage, ({ seq, stage: s, stream, ts, text }) => JSON.stringify({ seq, stage: s, stream, ts, text }));
}
