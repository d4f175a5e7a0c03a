import { BundleError } from "./bundle-error";
import { parsePaxRecords } from "./pax-records";
import { decodeTarHeader, isZeroBlock, tarBlock, type TarHeader } from "./tar-header";

export type TarEntryKind = "file" | "directory" | "symlink" | "link";

/** An entry as GNU tar would extract it: its long name or pax path applied. */
export type TarEntry = { name: string; kind: TarEntryKind; linkname: string; size: number };

/** Called with each entry; returns where its content should go (for a small file the caller wants to read), or null to skip it. */
export type EntryVisitor = (entry: TarEntry) => ((content: Buffer) => void) | null;

/** A pax header or GNU long name larger than this is refused: a path and a link target of 4096 bytes each fit easily. */
export const maxExtendedHeaderBytes = 16 * 1024;
/** Largest content handed to a visitor: the BUNDLE_* files are small. */
const maxContentBytes = 64 * 1024;

const decoder = new TextDecoder("utf-8", { fatal: true });

// GNU tar applies these from a global header to every later entry; a header
// tree has no use for them, and tar-stream merges them differently.
const globalKeysRefused = new Set(["path", "linkpath", "size"]);

const specialTypes: Record<string, string> = {
  "3": "a character-device",
  "4": "a block-device",
  "6": "a fifo",
  S: "a GNU sparse file (tar type S)",
  D: "a GNU dump directory (tar type D)",
  M: "a multi-volume continuation (tar type M)",
  V: "a volume label (tar type V)",
  N: "an old GNU long-name list (tar type N)",
  X: "a Solaris extended header (tar type X)",
};

type State =
  | { at: "header" }
  | { at: "extended"; header: TarHeader; data: Buffer; filled: number; padding: number }
  | { at: "data"; left: number; padding: number; content: Buffer | null; filled: number; deliver: ((content: Buffer) => void) | null }
  | { at: "end" }
  | { at: "trailer" };

type Pending = { pax: Map<string, string> | null; longName: Buffer | null; longLink: Buffer | null };

/**
 * A streaming tar reader that takes each header one way only, GNU tar's,
 * and refuses what another reader (or the validator) could take another
 * way. Work is linear in the bytes pushed: headers are decoded once, file
 * data is skipped by counting, extended headers are capped.
 */
export class TarReader {
  /** Every header read, extended ones included. */
  headers = 0;
  entries = 0;
  private bytes = 0;
  private state: State = { at: "header" };
  private readonly block = Buffer.alloc(tarBlock);
  private blockFilled = 0;
  private pending: Pending = { pax: null, longName: null, longLink: null };

  constructor(
    private readonly visit: EntryVisitor,
    private readonly maxHeaders: number,
  ) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    let at = 0;
    while (at < chunk.length) at = this.step(chunk, at);
  }

  /** After the last byte: the archive must have ended with its end-of-archive marker. */
  end(): void {
    const state = this.state;
    if (state.at === "trailer") {
      if (this.hasPending()) throw new BundleError("ambiguous_entry", "the archive ends with an extended header that belongs to no entry");
      if (this.entries === 0) throw new BundleError("empty", "the archive has no entries");
      return;
    }
    if (this.bytes === 0) throw new BundleError("empty", "the archive has no entries");
    if (this.headers === 0) throw new BundleError("not_tar", "the gzip data is not a tar archive");
    if ((state.at === "header" && this.blockFilled === 0) || (state.at === "end" && this.blockFilled === 0)) {
      throw new BundleError("truncated", "the tar data ends before its end-of-archive marker");
    }
    throw new BundleError("truncated", "the tar data ends in the middle of an entry");
  }

  private step(chunk: Buffer, at: number): number {
    const state = this.state;
    switch (state.at) {
      case "header":
      case "end": {
        // A whole block in the chunk is read in place; one split across chunks is gathered first.
        if (this.blockFilled === 0 && chunk.length - at >= tarBlock) {
          this.onBlock(chunk.subarray(at, at + tarBlock));
          return at + tarBlock;
        }
        const take = Math.min(tarBlock - this.blockFilled, chunk.length - at);
        chunk.copy(this.block, this.blockFilled, at, at + take);
        this.blockFilled += take;
        if (this.blockFilled === tarBlock) {
          this.blockFilled = 0;
          this.onBlock(this.block);
        }
        return at + take;
      }
      case "extended":
        return this.readExtended(state, chunk, at);
      case "data":
        return this.readData(state, chunk, at);
      case "trailer": {
        for (let i = at; i < chunk.length; i++) {
          if (chunk[i] !== 0) throw new BundleError("ambiguous_entry", "the archive has data after its end-of-archive marker");
        }
        return chunk.length;
      }
    }
  }

  private onBlock(block: Buffer): void {
    if (isZeroBlock(block)) {
      // GNU tar stops at the first zero block: whatever follows must be zeros too.
      this.state = this.state.at === "end" ? { at: "trailer" } : { at: "end" };
      return;
    }
    if (this.state.at === "end") throw new BundleError("ambiguous_entry", "the archive has a lone zero block followed by more entries, which GNU tar would not extract");
    if (++this.headers > this.maxHeaders) {
      throw new BundleError("too_many_entries", `the archive has more than ${this.maxHeaders} entries (extended headers included)`);
    }
    const header = decodeTarHeader(block, this.headers === 1);
    this.onHeader(header);
  }

  private onHeader(header: TarHeader): void {
    const padding = paddingOf(header.size);
    switch (header.typeflag) {
      case "x":
      case "g":
      case "L":
      case "K": {
        this.refuseSecondExtended(header.typeflag);
        if (header.size > maxExtendedHeaderBytes) {
          throw new BundleError("huge_header", `a tar extended header (pax or GNU long name) is larger than ${maxExtendedHeaderBytes} bytes`);
        }
        this.state = { at: "extended", header, data: Buffer.alloc(header.size), filled: 0, padding };
        if (header.size === 0) this.onExtended(this.state);
        return;
      }
    }
    const entry = this.entryOf(header);
    const size = entry.size;
    const deliver = this.visit(entry);
    if (deliver !== null && size > maxContentBytes) throw new Error("a visitor asked for the content of a large file");
    this.entries++;
    this.state = { at: "data", left: size + paddingOf(size), padding: paddingOf(size), content: deliver ? Buffer.alloc(size) : null, filled: 0, deliver };
    if (size === 0) this.finishData(this.state);
  }

  private entryOf(header: TarHeader): TarEntry {
    const pax = this.pending.pax;
    const nameBytes = this.pending.longName;
    const linkBytes = this.pending.longLink;
    this.pending = { pax: null, longName: null, longLink: null };
    const name = pax?.get("path") ?? text(nameBytes ?? header.name, "name");
    const linkname = pax?.get("linkpath") ?? text(linkBytes ?? header.linkname, "link target");
    const size = pax?.has("size") ? paxSize(pax.get("size")!) : header.size;
    // Named as the other messages name entries: without ./ and doubled slashes.
    const shown = JSON.stringify(
      name
        .slice(0, 200)
        .split("/")
        .filter((part) => part !== "" && part !== ".")
        .join("/"),
    );
    const special = specialTypes[header.typeflag];
    if (special !== undefined) throw new BundleError("special_file", `the entry ${shown} is ${special}, which a header tree never holds`);
    const kind = kindOf(header.typeflag);
    if (kind === null) throw new BundleError("special_file", `the entry ${shown} has the unknown tar type ${JSON.stringify(header.typeflag)}`);
    if (kind !== "file" && size !== 0) {
      // GNU tar reads no data after a directory or link: those bytes would be its next headers.
      throw new BundleError("ambiguous_entry", `the ${kind} ${shown} carries ${size} bytes of data, which GNU tar would read as more entries`);
    }
    if (kind !== "directory" && name.endsWith("/")) {
      throw new BundleError("ambiguous_entry", `the ${kind} ${shown} has a name ending in /, which GNU tar would make a directory`);
    }
    return { name, kind, linkname, size };
  }

  private refuseSecondExtended(typeflag: string): void {
    const { pax, longName, longLink } = this.pending;
    const clash = typeflag === "g" || typeflag === "x" ? this.hasPending() : pax !== null || (typeflag === "L" ? longName : longLink) !== null;
    if (clash) throw new BundleError("ambiguous_entry", "an entry has two extended headers of the same kind or a mix of pax and GNU ones, which tar readers combine differently");
  }

  private hasPending(): boolean {
    return this.pending.pax !== null || this.pending.longName !== null || this.pending.longLink !== null;
  }

  private readExtended(state: Extract<State, { at: "extended" }>, chunk: Buffer, at: number): number {
    const want = state.data.length - state.filled;
    if (want > 0) {
      const take = Math.min(want, chunk.length - at);
      chunk.copy(state.data, state.filled, at, at + take);
      state.filled += take;
      at += take;
      if (state.filled < state.data.length) return at;
      this.onExtended(state);
      if (this.state !== state) return at;
    }
    const skip = Math.min(state.padding, chunk.length - at);
    state.padding -= skip;
    if (state.padding === 0) this.state = { at: "header" };
    return at + skip;
  }

  private onExtended(state: Extract<State, { at: "extended" }>): void {
    const { header, data } = state;
    if (header.typeflag === "L" || header.typeflag === "K") {
      const nul = data.indexOf(0);
      const value = nul === -1 ? data : data.subarray(0, nul);
      if (header.typeflag === "L") this.pending.longName = value;
      else this.pending.longLink = value;
    } else {
      const records = parsePaxRecords(data);
      for (const key of records.keys()) refuseKey(key, header.typeflag === "g");
      if (header.typeflag === "x") this.pending.pax = records;
    }
    if (state.padding === 0) this.state = { at: "header" };
  }

  private readData(state: Extract<State, { at: "data" }>, chunk: Buffer, at: number): number {
    const take = Math.min(state.left, chunk.length - at);
    if (state.content !== null && state.filled < state.content.length) {
      const copy = Math.min(take, state.content.length - state.filled);
      chunk.copy(state.content, state.filled, at, at + copy);
      state.filled += copy;
    }
    state.left -= take;
    if (state.left === 0) this.finishData(state);
    return at + take;
  }

  private finishData(state: Extract<State, { at: "data" }>): void {
    if (state.deliver && state.content) state.deliver(state.content);
    this.state = { at: "header" };
  }
}

function refuseKey(key: string, global: boolean): void {
  if (key.startsWith("GNU.sparse.")) throw new BundleError("special_file", "a pax header describes a GNU sparse file, which a header tree never holds");
  if (key.startsWith("GNU.")) throw new BundleError("ambiguous_entry", `a pax header has the GNU tar key ${JSON.stringify(key.slice(0, 100))}, which changes how GNU tar extracts the entry`);
  if (global && globalKeysRefused.has(key)) {
    throw new BundleError("ambiguous_entry", `a global pax header sets ${key} for every entry after it`);
  }
}

function kindOf(typeflag: string): TarEntryKind | null {
  switch (typeflag) {
    case "0":
    case "\u0000":
    case "7":
      return "file";
    case "1":
      return "link";
    case "2":
      return "symlink";
    case "5":
      return "directory";
    default:
      return null;
  }
}

function text(bytes: Buffer, what: string): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new BundleError("unsafe_path", `an entry's ${what} is not UTF-8 text`);
  }
}

function paxSize(value: string): number {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new BundleError("ambiguous_entry", `a pax header gives the size ${JSON.stringify(value.slice(0, 40))}, which is not a whole number`);
  }
  return Number(value);
}

function paddingOf(size: number): number {
  const rest = size % tarBlock;
  return rest === 0 ? 0 : tarBlock - rest;
}
