import { Transform, type TransformCallback } from "node:stream";
import { BundleError } from "./bundle-error";

export type InspectLimits = {
  /** Tar headers of any kind: entries, directories included, and pax or GNU long-name headers. */
  maxEntries: number;
  /** Bytes of the decompressed tar stream: file data, headers and padding. */
  maxUnpackedBytes: number;
  /** Largest unpacked/compressed ratio once `ratioGraceBytes` have been unpacked. */
  maxRatio: number;
  ratioGraceBytes: number;
  /** Bytes of entry names and link targets, all entries together. */
  maxNameBytes: number;
  /** Milliseconds the inspection may spend working (not waiting for the upload's next bytes). */
  maxBusyMillis: number;
};

export const defaultInspectLimits: InspectLimits = {
  maxEntries: 200_000,
  maxUnpackedBytes: 2 * 1024 ** 3,
  // Kernel header trees compress about 5:1; 200:1 is only reached by padding.
  maxRatio: 200,
  ratioGraceBytes: 4 * 1024 ** 2,
  // A header tree's names add up to a few megabytes.
  maxNameBytes: 64 * 1024 ** 2,
  // Two gigabytes unpack and read in well under a minute even on a busy machine.
  maxBusyMillis: 120_000,
};

/** What the two meters have seen so far. */
export type ArchiveCounts = {
  compressed: number;
  unpacked: number;
};

export function newArchiveCounts(): ArchiveCounts {
  return { compressed: 0, unpacked: 0 };
}

/**
 * Counts compressed bytes and refuses anything that does not start with the
 * gzip magic, before zlib sees it (zlib would only say "incorrect header check").
 */
export function gzipGate(counts: ArchiveCounts): Transform {
  let head = Buffer.alloc(0);
  let checked = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      counts.compressed += chunk.length;
      if (checked) return done(null, chunk);
      head = Buffer.concat([head, chunk]);
      if (head.length < 2) return done();
      if (head[0] !== 0x1f || head[1] !== 0x8b) return done(new BundleError("not_gzip", "the file is not gzip-compressed"));
      checked = true;
      const first = head;
      head = Buffer.alloc(0);
      done(null, first);
    },
    flush(done: TransformCallback) {
      if (counts.compressed === 0) return done(new BundleError("empty", "the file is empty"));
      if (!checked) {
        return done(head[0] === 0x1f ? new BundleError("truncated", "the gzip data ends early") : new BundleError("not_gzip", "the file is not gzip-compressed"));
      }
      done();
    },
  });
}

/** Counts unpacked bytes and stops a decompression bomb as soon as it shows, not after it is spent. */
export function unpackedMeter(counts: ArchiveCounts, limits: InspectLimits): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      counts.unpacked += chunk.length;
      if (counts.unpacked > limits.maxUnpackedBytes) {
        return done(new BundleError("too_large_unpacked", `the archive unpacks to more than ${limits.maxUnpackedBytes} bytes`));
      }
      if (counts.unpacked > limits.ratioGraceBytes && counts.unpacked > limits.maxRatio * counts.compressed) {
        return done(new BundleError("ratio", `the archive unpacks to more than ${limits.maxRatio} times its compressed size`));
      }
      done(null, chunk);
    },
  });
}
