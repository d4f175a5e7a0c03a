// Build output reaches us in pieces that ignore line ends: a long line spans
// several messages, a multi-byte character can be cut in two, and stdout and
// stderr pieces interleave. This keeps the bytes of each source apart until
// its newline arrives, then hands out the whole line as text.

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

export function createLineAssembler<M>(): LineAssembler<M> {
  const pending = new Map<string, { parts: Buffer[]; meta: M }>();

  const lineOf = (source: string, parts: Buffer[], meta: M): AssembledLine<M> => ({
    source,
    text: cleanLine(Buffer.concat(parts).toString("utf8")),
    meta,
  });

  return {
    push(source, bytes, meta) {
      const chunk = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const lines: AssembledLine<M>[] = [];
      let start = 0;
      for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
        const open = pending.get(source);
        pending.delete(source);
        const piece = chunk.subarray(start, nl);
        lines.push(open ? lineOf(source, [...open.parts, piece], open.meta) : lineOf(source, [piece], meta));
        start = nl + 1;
      }
      if (start < chunk.length) {
        const rest = Buffer.from(chunk.subarray(start)); // the caller may reuse its buffer
        const open = pending.get(source);
        if (open) open.parts.push(rest);
        else pending.set(source, { parts: [rest], meta });
      }
      return lines;
    },
    flush(source) {
      const open = pending.get(source);
      if (!open) return [];
      pending.delete(source);
      return [lineOf(source, open.parts, open.meta)];
    },
    flushAll() {
      const lines = [...pending].map(([source, open]) => lineOf(source, open.parts, open.meta));
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
