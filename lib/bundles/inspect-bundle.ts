import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { defaultInspectLimits, gzipGate, newArchiveCounts, unpackedMeter, type InspectLimits } from "./archive-meters";
import { BundleError } from "./bundle-error";
import { sourceChunks, type BundleSource } from "./bundle-source";
import { BundleTree, maxFieldBytes, type SeenEntry } from "./bundle-tree";
import { BusyClock } from "./busy-clock";
import type { BundleFieldName, BundleFields } from "./parse-bundle-fields";
import { TarReader } from "./tar-reader";

export type BundleInfo = BundleFields & {
  entries: number;
  /** Size of the decompressed tar stream. */
  unpackedBytes: number;
};

export type InspectOptions = {
  limits?: Partial<InspectLimits>;
  /** Told each entry as the inspection took it: what extracting should make. */
  onSeen?: (entry: SeenEntry) => void;
};

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a bundle once, as a stream, and says what it holds, or throws a
 * BundleError naming the first thing wrong with it. Nothing is written
 * anywhere: file contents are skipped, only the small BUNDLE_* values kept.
 * The work is linear in the archive's bytes and bounded by `limits`; this
 * runs wherever it is called, inspectInWorker runs it off the main thread.
 * The source is read once and, on failure, left to its owner.
 */
export async function inspectBundle(source: BundleSource, options: InspectOptions = {}): Promise<BundleInfo> {
  const limit = { ...defaultInspectLimits, ...options.limits };
  const counts = newArchiveCounts();
  const clock = new BusyClock(limit.maxBusyMillis);
  const tree = new BundleTree({ maxNameBytes: limit.maxNameBytes }, options.onSeen);
  const reader = new TarReader((entry) => {
    const field = tree.add(entry);
    return field === null ? null : (content) => tree.setField(field, fieldText(field, content));
  }, limit.maxEntries);
  // The reader's own refusal, kept: pipeline reports it as an AbortError of the stages it stops.
  let refusal: unknown = null;
  try {
    await pipeline(clock.chunksOf(sourceChunks(source)), gzipGate(counts), zlib.createGunzip({ chunkSize: 256 * 1024 }), unpackedMeter(counts, limit), async (unpacked: AsyncIterable<Buffer>) => {
      try {
        for await (const chunk of unpacked) {
          reader.push(chunk);
          clock.check();
        }
      } catch (error) {
        refusal = error;
        throw error;
      }
    });
  } catch (error) {
    throw classify(refusal ?? error);
  }
  reader.end();
  const fields = tree.finish();
  clock.check();
  return { ...fields, entries: reader.entries, unpackedBytes: counts.unpacked };
}

function fieldText(field: BundleFieldName, content: Buffer): string {
  if (content.length > maxFieldBytes) throw new BundleError("bad_field", `${field} is larger than ${maxFieldBytes} bytes`);
  try {
    return decoder.decode(content);
  } catch {
    throw new BundleError("bad_field", `${field} is not UTF-8 text`);
  }
}

// zlib reports plain errors; give them a reason. Anything else (a failing
// upload, a full disk) is not the archive's fault and passes as is.
function classify(error: unknown): unknown {
  if (error instanceof BundleError) return error;
  if (!(error instanceof Error)) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === "string" && code.startsWith("Z_")) {
    return code === "Z_BUF_ERROR" ? new BundleError("truncated", "the gzip data ends early") : new BundleError("corrupt", `the gzip data is damaged (${error.message})`);
  }
  return error;
}
