import type { Readable } from "node:stream";

/** An entry of an engine's tar stream, its pax path or GNU long name applied. */
export type ArchiveEntry = {
  /** The entry's path in the container, absolute, without a trailing slash. */
  pathInImage: string;
  type: "file" | "directory" | "symlink" | "link" | "other";
  size: number;
  /** Where a symlink or hard link points, as written in the archive. */
  linkname?: string;
};

/** Where an entry's bytes go, chunk by chunk, as they arrive. */
export type EntrySink = { data(chunk: Buffer): void; end(): void };

/** An entry's bytes as one UTF-8 text, refused with `tooLarge` (as an error) once they pass `max` bytes. */
export function wholeText(max: number, tooLarge: string, done: (text: string) => void): EntrySink {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    data(chunk) {
      size += chunk.length;
      if (size > max) throw new Error(tooLarge);
      chunks.push(chunk);
    },
    end: () => done(Buffer.concat(chunks).toString("utf8")),
  };
}

const BLOCK = 512;
const decoder = new TextDecoder();

/**
 * Reads an engine's tar stream (Go's archive/tar: ustar, pax and GNU
 * headers) entry by entry, handing each file's bytes to the sink `onEntry`
 * returns (null skips them). Everything runs synchronously per chunk:
 * an image of 46,000 drivers is one entry per few hundred bytes, where an
 * await per entry would cost more than the hashing. An abort destroys the
 * archive, which fails the read with the signal's reason.
 */
export async function readTarEntries(archive: Readable, onEntry: (entry: ArchiveEntry) => EntrySink | null, signal?: AbortSignal) {
  const parser = new TarParser(onEntry);
  const onAbort = () => archive.destroy(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    signal?.throwIfAborted();
    for await (const chunk of archive) parser.push(chunk as Buffer);
    parser.end();
  } finally {
    signal?.removeEventListener("abort", onAbort);
    // Frees the connection when the read stopped early; a no-op after a clean end.
    archive.destroy();
  }
  signal?.throwIfAborted();
}

type Extended = { path?: string; size?: number; linkpath?: string };

/** The tar format's state machine, fed chunks of any size. Exported for its tests. */
export class TarParser {
  private readonly header = Buffer.alloc(BLOCK);
  private headerFilled = 0;
  /** Bytes of the current entry's data (or extended header) still to come, then its padding. */
  private left = 0;
  private padding = 0;
  private sink: EntrySink | null = null;
  private extended: { kind: "pax" | "long-name" | "long-link" | "skip"; parts: Buffer[] } | null = null;
  private next: Extended = {};
  private zeroBlocks = 0;
  private ended = false;

  constructor(private readonly onEntry: (entry: ArchiveEntry) => EntrySink | null) {}

  push(chunk: Buffer) {
    let at = 0;
    while (at < chunk.length) {
      if (this.ended) return;
      if (this.left > 0) {
        const take = Math.min(this.left, chunk.length - at);
        const part = chunk.subarray(at, at + take);
        if (this.extended) this.extended.parts.push(part);
        else this.sink?.data(part);
        this.left -= take;
        at += take;
        if (this.left === 0) this.endBody();
        continue;
      }
      if (this.padding > 0) {
        const skip = Math.min(this.padding, chunk.length - at);
        this.padding -= skip;
        at += skip;
        continue;
      }
      // A whole header in the chunk is read in place; one split across chunks is gathered first.
      if (this.headerFilled === 0 && chunk.length - at >= BLOCK) {
        this.onHeader(chunk.subarray(at, at + BLOCK));
        at += BLOCK;
        continue;
      }
      const take = Math.min(BLOCK - this.headerFilled, chunk.length - at);
      chunk.copy(this.header, this.headerFilled, at, at + take);
      this.headerFilled += take;
      at += take;
      if (this.headerFilled === BLOCK) {
        this.headerFilled = 0;
        this.onHeader(this.header);
      }
    }
  }

  /** After the last chunk: an archive cut short is an error, not a shorter listing. */
  end() {
    if (this.ended || (this.zeroBlocks > 0 && this.left === 0 && this.headerFilled === 0)) return;
    throw new Error("the engine's tar stream ended in the middle of an entry");
  }

  private onHeader(block: Buffer) {
    if (isZero(block)) {
      // Two zero blocks end the archive; Go writes both.
      if (++this.zeroBlocks === 2) this.ended = true;
      return;
    }
    if (this.zeroBlocks > 0) throw new Error("the engine's tar stream has entries after an end-of-archive block");
    if (octal(block, 148, 8) !== checksum(block)) throw new Error("the engine's tar stream has a damaged header (its checksum does not match)");
    const type = String.fromCharCode(block[156]!);
    const size = number(block, 124, 12);
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (type === "x" || type === "L" || type === "g" || type === "K") {
      // Extended headers describe the next entry: its path (pax or a GNU long name) or its size.
      this.extended = { kind: type === "x" ? "pax" : type === "L" ? "long-name" : type === "K" ? "long-link" : "skip", parts: [] };
      this.left = size;
      if (size === 0) this.endBody();
      return;
    }
    const ustar = block.toString("latin1", 257, 263) === "ustar\u0000";
    const prefix = ustar ? cString(block, 345, 155) : "";
    const name = this.next.path ?? (prefix ? `${prefix}/${cString(block, 0, 100)}` : cString(block, 0, 100));
    const entrySize = this.next.size ?? size;
    const linkname = type === "1" || type === "2" ? (this.next.linkpath ?? cString(block, 157, 100)) : undefined;
    this.next = {};
    const entry: ArchiveEntry = { pathInImage: `/${name.replace(/^(\.\/|\/)+/, "").replace(/\/+$/, "")}`, type: typeOf(type), size: entrySize, ...(linkname !== undefined ? { linkname } : {}) };
    // Only a regular file carries data in Go's archives; anything else is skipped by its header's size.
    this.sink = entry.type === "file" ? this.onEntry(entry) : (this.onEntry(entry), null);
    this.left = entry.type === "file" ? entrySize : size;
    if (entry.type === "file") this.padding = (BLOCK - (entrySize % BLOCK)) % BLOCK;
    if (this.left === 0) this.endBody();
  }

  private endBody() {
    const extended = this.extended;
    if (extended) {
      this.extended = null;
      const bytes = Buffer.concat(extended.parts);
      if (extended.kind === "long-name") this.next.path = cString(bytes, 0, bytes.length);
      if (extended.kind === "long-link") this.next.linkpath = cString(bytes, 0, bytes.length);
      if (extended.kind === "pax") Object.assign(this.next, paxRecords(bytes));
      return;
    }
    const sink = this.sink;
    this.sink = null;
    sink?.end();
  }
}

/** pax records ("<length> <key>=<value>\n"): the path and size kobuild needs. */
function paxRecords(bytes: Buffer): Extended {
  const found: Extended = {};
  let at = 0;
  while (at < bytes.length) {
    const space = bytes.indexOf(0x20, at);
    const length = Number(bytes.toString("latin1", at, space));
    if (space === -1 || !Number.isInteger(length) || length <= 0 || at + length > bytes.length) throw new Error("the engine's tar stream has a damaged pax header");
    const record = decoder.decode(bytes.subarray(space + 1, at + length - 1));
    const eq = record.indexOf("=");
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === "path") found.path = value;
    if (key === "size") found.size = Number(value);
    if (key === "linkpath") found.linkpath = value;
    at += length;
  }
  return found;
}

function typeOf(flag: string): ArchiveEntry["type"] {
  switch (flag) {
    case "0":
    case "\u0000":
    case "7":
      return "file";
    case "5":
      return "directory";
    case "2":
      return "symlink";
    case "1":
      return "link";
    default:
      return "other";
  }
}

function isZero(block: Buffer) {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

function checksum(block: Buffer) {
  let sum = 8 * 0x20;
  for (let i = 0; i < 148; i++) sum += block[i]!;
  for (let i = 156; i < BLOCK; i++) sum += block[i]!;
  return sum;
}

/** A numeric field: octal digits, or base-256 (a leading 0x80) for what octal cannot hold. */
function number(block: Buffer, at: number, width: number) {
  if (block[at]! & 0x80) {
    let value = block[at]! & 0x7f;
    for (let i = at + 1; i < at + width; i++) value = value * 256 + block[i]!;
    return value;
  }
  return octal(block, at, width);
}

function octal(block: Buffer, at: number, width: number) {
  let value = 0;
  let i = at;
  while (i < at + width && block[i] === 0x20) i++;
  for (; i < at + width; i++) {
    const c = block[i]!;
    if (c < 0x30 || c > 0x37) break;
    value = value * 8 + (c - 0x30);
  }
  return value;
}

function cString(bytes: Buffer, at: number, width: number) {
  const nul = bytes.indexOf(0, at);
  return decoder.decode(bytes.subarray(at, nul === -1 || nul > at + width ? at + width : nul));
}
