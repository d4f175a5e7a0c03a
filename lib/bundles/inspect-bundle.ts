import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import tar from "tar-stream";
import { defaultInspectLimits, gzipGate, newArchiveCounts, unpackedMeter, type ArchiveCounts, type InspectLimits } from "./archive-meters";
import { BundleError } from "./bundle-error";
import { sourceChunks, type BundleSource } from "./bundle-source";
import { BundleTree, maxFieldBytes } from "./bundle-tree";
import type { BundleFields } from "./parse-bundle-fields";

export type BundleInfo = BundleFields & {
  entries: number;
  /** Size of the decompressed tar stream. */
  unpackedBytes: number;
};

/**
 * Reads a bundle once, as a stream, and says what it holds, or throws a
 * BundleError naming the first thing wrong with it. Nothing is written
 * anywhere: file contents are drained, only the small BUNDLE_* values kept.
 * The source is read once and, on failure, left to its owner.
 */
export async function inspectBundle(source: BundleSource, limits: Partial<InspectLimits> = {}): Promise<BundleInfo> {
  const limit = { ...defaultInspectLimits, ...limits };
  const counts = newArchiveCounts();
  const tree = new BundleTree(limit.maxEntries);
  const extract = tar.extract();
  const feeding = pipeline(sourceChunks(source), gzipGate(counts), zlib.createGunzip({ chunkSize: 256 * 1024 }), unpackedMeter(counts, limit), extract);
  // A failure upstream destroys `extract`, which ends the loop below with that error.
  feeding.catch(() => undefined);
  try {
    for await (const entry of extract) {
      const field = tree.add(entry.header, entry.offset);
      if (field === null) entry.resume();
      else tree.setField(field, await readText(entry, field));
    }
    await feeding;
  } catch (error) {
    extract.destroy();
    throw classify(error, tree.entries);
  }
  checkEnd(counts, tree);
  return { ...tree.finish(), entries: tree.entries, unpackedBytes: counts.unpacked };
}

async function readText(entry: AsyncIterable<unknown>, field: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of entry) {
    if (!(chunk instanceof Uint8Array)) throw new TypeError("tar-stream yielded a non-binary chunk");
    size += chunk.length;
    // The header already said; this guards against a stream that disagrees.
    if (size > maxFieldBytes) throw new BundleError("bad_field", `${field} is larger than ${maxFieldBytes} bytes`);
    chunks.push(chunk);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new BundleError("bad_field", `${field} is not UTF-8 text`);
  }
}

/** tar-stream accepts an archive cut right after an entry; a whole one ends with two zero blocks. */
function checkEnd(counts: ArchiveCounts, tree: BundleTree): void {
  if (tree.entries === 0) throw new BundleError("empty", "the archive has no entries");
  if (counts.unpacked - tree.dataEnd < 1024 || counts.lastNonZero >= tree.dataEnd) {
    throw new BundleError("truncated", "the tar data ends before its end-of-archive marker");
  }
}

// zlib and tar-stream report plain errors; give them a reason. Anything else
// (a failing upload, a full disk) is not the archive's fault and passes as is.
function classify(error: unknown, entries: number): unknown {
  if (error instanceof BundleError) return error;
  if (!(error instanceof Error)) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === "string" && code.startsWith("Z_")) {
    return code === "Z_BUF_ERROR" ? new BundleError("truncated", "the gzip data ends early") : new BundleError("corrupt", `the gzip data is damaged (${error.message})`);
  }
  if (error.message === "Header exceeds max size") {
    // tar-stream holds a pax or GNU long-name header in memory, up to 4 MiB.
    return new BundleError("huge_header", "a tar extended header (pax or GNU long name) is larger than 4 MiB");
  }
  if (/^(Invalid tar header|Invalid header)/.test(error.message)) {
    return new BundleError("not_tar", "the gzip data is not a tar archive");
  }
  if (error.message === "Unexpected end of data") {
    return entries === 0 ? new BundleError("not_tar", "the gzip data is not a tar archive") : new BundleError("truncated", "the tar data ends in the middle of an entry");
  }
  return error;
}
