// Build output reaches us in pieces that ignore line ends: a long line spans
// several messages, a multi-byte character can be cut in two, and stdout and
// stderr pieces interleave. This keeps the bytes of each source apart until
// its newline arrives, then hands out the whole line as text. A line longer
// than MAX_LINE_BYTES keeps its start and a marker; the rest is not held.

import { LINE_CUT_MARKER, MAX_LINE_BYTES, utf8Prefix } from "./line-cut";

/** A complete line with what was known when its first byte arrived (stream, timestamp). */
export type AssembledLine<M> = { source: string; text: string; meta: M };

export type LineAssembler<M> = {
  /** Adds bytes from one source; returns the lines they completed, in order. */
  push(source: string, bytes: Uint8Array, meta: M): AssembledLine<M>[];
  /** Ends the unfinished line of a source (its writer is done), if there is one. */
  flush(source: string): AssembledLine<M>[];
  /** Ends every unfinished line, oldest source first. */
  flushAll(): AssembledLine<M>[];
};

const NEWLINE = 0x0a;

type Open<M> = { parts: Buffer[]; bytes: number; cut: boolean; meta: M };

export function createLineAssembler<M>(maxLineBytes = MAX_LINE_BYTES): LineAssembler<M> {
  const pending = new Map<string, Open<M>>();

  /** Adds a piece to an unfinished line, keeping at most maxLineBytes + 1 of it (the extra byte says it was longer). */
  const append = (open: Open<M>, piece: Buffer) => {
    if (open.cut) return;
    const room = maxLineBytes + 1 - open.bytes;
    const kept = piece.length > room ? piece.subarray(0, room) : piece;
    if (piece.length > room) open.cut = true;
    open.parts.push(kept);
    open.bytes += kept.length;
  };

  const lineOf = (source: string, open: Open<M>): AssembledLine<M> => {
    const bytes = Buffer.concat(open.parts);
    if (!open.cut && bytes.length <= maxLineBytes) return { source, text: cleanLine(bytes.toString("utf8")), meta: open.meta };
    return { source, text: cleanLine(utf8Prefix(bytes, maxLineBytes).toString("utf8")) + LINE_CUT_MARKER, meta: open.meta };
  };

  const opened = (meta: M): Open<M> => ({ parts: [], bytes: 0, cut: false, meta });

  return {
    push(source, bytes, meta) {
      const chunk = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const lines: AssembledLine<M>[] = [];
      let start = 0;
      for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
        const open = pending.get(source) ?? opened(meta);
        pending.delete(source);
        append(open, chunk.subarray(start, nl));
        lines.push(lineOf(source, open));
        start = nl + 1;
      }
      if (start < chunk.length) {
        let open = pending.get(source);
        if (!open) pending.set(source, (open = opened(meta)));
        // Copied: the caller may reuse its buffer.
        if (!open.cut) append(open, Buffer.from(chunk.subarray(start, start + maxLineBytes + 1 - open.bytes)));
      }
      return lines;
    },
    flush(source) {
      const open = pending.get(source);
      if (!open) return [];
      pending.delete(source);
      return [lineOf(source, open)];
    },
    flushAll() {
      const lines = [...pending].map(([source, open]) => lineOf(source, open));
      pending.clear();
      return lines;
    },
  };
}

/**
 * What a terminal would show of a line: CRLF loses its CR, and a line redrawn
 * with carriage returns (progress counters) keeps only its last version.
 */
export function cleanLine(text: string): string {
  const trimmed = text.replace(/\r+$/, "");
  const lastCr = trimmed.lastIndexOf("\r");
  return lastCr === -1 ? trimmed : trimmed.slice(lastCr + 1);
}
