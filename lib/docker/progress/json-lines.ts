// The engine answers a build with newline-delimited JSON, but the HTTP stream
// cuts it wherever it likes: a message, and even a multi-byte UTF-8 character,
// can be split between two chunks. So bytes are kept until a newline arrives,
// and only whole lines are decoded and parsed.

/** A line of the response that is not JSON, kept as text so nothing the engine said is lost. */
export type UnparsedLine = { kobuildUnparsed: string };

export type JsonLineSplitter = {
  /** Feeds one chunk; returns the messages of every line it completed. */
  push(chunk: Buffer): unknown[];
  /** The response ended: returns the message of an unfinished last line, if any. */
  end(): unknown[];
};

const NEWLINE = 0x0a;

export function createJsonLineSplitter(): JsonLineSplitter {
  // The unfinished tail, as the chunks it came in (joined once, when its newline arrives).
  let tail: Buffer[] = [];

  return {
    push(chunk) {
      const messages: unknown[] = [];
      let start = 0;
      for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
        const piece = chunk.subarray(start, nl);
        const line = tail.length ? Buffer.concat([...tail, piece]) : piece;
        tail = [];
        start = nl + 1;
        const message = parseLine(line);
        if (message !== undefined) messages.push(message);
      }
      // subarray shares memory with the caller's chunk: copy what we keep.
      if (start < chunk.length) tail.push(Buffer.from(chunk.subarray(start)));
      return messages;
    },
    end() {
      const line = Buffer.concat(tail);
      tail = [];
      const message = parseLine(line);
      return message === undefined ? [] : [message];
    },
  };
}

/** undefined for a blank line (the engine sometimes sends "\r\n" or empty keep-alive lines). */
function parseLine(bytes: Buffer): unknown {
  const text = bytes.toString("utf8").trim();
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { kobuildUnparsed: text } satisfies UnparsedLine;
  }
}
