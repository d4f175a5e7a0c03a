// The engine answers a build with newline-delimited JSON, but the HTTP stream
// cuts it wherever it likes: a message, and even a multi-byte UTF-8 character,
// can be split between two chunks. So bytes are kept until a newline arrives,
// and only whole lines are decoded and parsed. A message is never held past
// MAX_MESSAGE_BYTES (the engine's own are tens of KiB; BuildKit cuts a step's
// output into small log chunks): a longer one is dropped, and the log says so.

import { MAX_LINE_BYTES, utf8Prefix } from "./line-cut";

export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

/** A line of the response that is not JSON, kept as text so nothing the engine said is lost. */
export type UnparsedLine = { kobuildUnparsed: string };

export type JsonLineSplitter = {
  /** Feeds one chunk; returns the messages of every line it completed. */
  push(chunk: Buffer): unknown[];
  /** The response ended: returns the message of an unfinished last line, if any. */
  end(): unknown[];
};

const NEWLINE = 0x0a;

export function createJsonLineSplitter(maxMessageBytes = MAX_MESSAGE_BYTES): JsonLineSplitter {
  // The unfinished tail, as the chunks it came in (joined once, when its newline arrives).
  let tail: Buffer[] = [];
  let tailBytes = 0;
  // The start of a message too long to keep: dropped up to its newline, then reported.
  let dropped: Buffer | null = null;

  const droppedMessage = (): UnparsedLine => {
    const start = utf8Prefix(dropped!, 200).toString("utf8");
    dropped = null;
    return { kobuildUnparsed: `[kobuild: a message of the engine longer than ${maxMessageBytes} bytes was left out; it began: ${start}]` };
  };

  return {
    push(chunk) {
      const messages: unknown[] = [];
      let start = 0;
      for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
        const piece = chunk.subarray(start, nl);
        start = nl + 1;
        if (dropped || tailBytes + piece.length > maxMessageBytes) {
          dropped ??= Buffer.concat([...tail, piece.subarray(0, MAX_LINE_BYTES)]);
          tail = [];
          tailBytes = 0;
          messages.push(droppedMessage());
          continue;
        }
        const line = tail.length ? Buffer.concat([...tail, piece]) : piece;
        tail = [];
        tailBytes = 0;
        const message = parseLine(line);
        if (message !== undefined) messages.push(message);
      }
      if (start < chunk.length && !dropped) {
        const rest = chunk.subarray(start);
        if (tailBytes + rest.length > maxMessageBytes) {
          dropped = Buffer.concat([...tail, rest.subarray(0, MAX_LINE_BYTES)]);
          tail = [];
          tailBytes = 0;
        } else {
          // subarray shares memory with the caller's chunk: copy what we keep.
          tail.push(Buffer.from(rest));
          tailBytes += rest.length;
        }
      }
      return messages;
    },
    end() {
      if (dropped) return [droppedMessage()];
      const line = Buffer.concat(tail);
      tail = [];
      tailBytes = 0;
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
