import "server-only";
import { tellBundleStored } from "./bundle-events";
import { createHash, randomBytes, type Hash } from "node:crypto";
import fs, { type FileHandle } from "node:fs/promises";
import path from "node:path";
import { eq } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { bundles } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { metrics } from "@/lib/metrics/metrics";
import type { InspectLimits } from "./archive-meters";
import { BundleError } from "./bundle-error";
import { withBundleLock } from "./bundle-lock";
import { bundlePath } from "./bundle-path";
import { sourceChunks, type BundleSource } from "./bundle-source";
import type { BundleRow } from "./bundle-row";
import { inspectInWorker } from "./inspect-in-worker";
import { matchVersionPrefix } from "./match-version-prefix";
import { parseBundleFileName } from "./parse-bundle-name";
import { KernelTakenError, replaceStoredBundle } from "./replace-bundle";
import { unameMatchesKernel } from "./uname-matches-kernel";

export type StoreBundleInput = {
  /** The uploaded file's name: `bundle-<kernel>.tgz`. */
  fileName: string;
  source: BundleSource;
  /** Largest accepted upload, compressed. */
  maxBytes: number;
  db?: Db;
  dataDir?: string;
  limits?: Partial<InspectLimits>;
  /** A bundle for a kernel already stored with other content replaces it (replace-bundle.ts) instead of being refused. */
  replace?: boolean;
};

export type StoredBundle = { bundle: BundleRow; duplicate: boolean; /** The row this upload replaced, as it was. */ replaced?: BundleRow };

type Upload = { size: number; hash: Hash; stopped: boolean };

/**
 * Streams an upload once into a temporary file, a sha256 and the inspection (on a worker thread),
 * then files it under bundles/ with its row. Same bytes as a stored bundle:
 * that bundle, duplicate. On any failure nothing is left on disk or in the
 * database.
 */
export async function storeBundle(input: StoreBundleInput): Promise<StoredBundle> {
  try {
    return await store(input);
  } catch (error) {
    throw error instanceof BundleError ? error.forFile(input.fileName) : error;
  }
}

async function store(input: StoreBundleInput): Promise<StoredBundle> {
  const kernel = parseBundleFileName(input.fileName);
  const db = input.db ?? getDb();
  const dataDir = input.dataDir ?? env().dataDir;
  const incoming = path.join(dataDir, "bundles", ".incoming");
  await onDisk(() => fs.mkdir(incoming, { recursive: true, mode: 0o750 }));
  const partPath = path.join(incoming, `${randomBytes(16).toString("hex")}.part`);
  const handle = await onDisk(() => fs.open(partPath, "wx", 0o640));
  const upload: Upload = { size: 0, hash: createHash("sha256"), stopped: false };
  const chunks = tee(input.source, handle, upload, input.maxBytes);
  let closed = false;
  try {
    const info = await timedInspection(() => inspectInWorker(chunks, input.limits));
    if (!matchVersionPrefix(kernel, info.version, info.major)) {
      throw new BundleError("name_mismatch", `the kernel ${JSON.stringify(kernel)} does not start with ${info.version}.${info.major} (BUNDLE_VERSION.BUNDLE_MAJOR)`);
    }
    if (!unameMatchesKernel(info.uname, kernel)) {
      throw new BundleError("name_mismatch", `BUNDLE_UNAME ${JSON.stringify(info.uname)} is not the kernel ${JSON.stringify(kernel)} the file is named after`);
    }
    await onDisk(() => handle.sync());
    closed = true;
    await handle.close();
    const sha256 = upload.hash.digest("hex");
    return await withBundleLock(async () => {
      const same = db.select().from(bundles).where(eq(bundles.sha256, sha256)).get();
      if (same) return { bundle: same, duplicate: true };
      const fields = { uname: info.uname, distro: info.distro, version: info.version, major: info.major, minor: info.minor, buildDir: info.buildDir, checksum: info.checksum, sha256, size: upload.size };
      const finalPath = bundlePath(kernel, dataDir);
      // The kernel is stored with other content: refused, or replaced when asked (replace-bundle.ts).
      const other = db.select().from(bundles).where(eq(bundles.kernel, kernel)).get();
      if (other && !input.replace) throw new KernelTakenError(kernel, other.sha256, sha256, input.fileName);
      if (other) {
        const bundle = await replaceStoredBundle({ db, dataDir, stored: other, newFile: partPath, fields });
        await syncDirectory(path.dirname(finalPath));
        tellBundleStored(bundle);
        return { bundle, duplicate: false, replaced: other };
      }
      await onDisk(() => fs.rename(partPath, finalPath));
      await syncDirectory(path.dirname(finalPath));
      try {
        const row = db
          .insert(bundles)
          .values({ kernel, ...fields })
          .returning()
          .get();
        tellBundleStored(row);
        return { bundle: row, duplicate: false };
      } catch (error) {
        await fs.rm(finalPath, { force: true });
        throw error;
      }
    });
  } finally {
    metrics().uploadBytes.inc(upload.size);
    upload.stopped = true;
    // A refused archive leaves the tee waiting for the source's next chunk or
    // paused at a yield; it lets go of the source only once it returns. Until
    // then the owner could not read the rest of the upload (a multipart
    // request whose next file waits behind it would hang).
    await chunks.return(undefined);
    // close() waits for a write still in flight, so nothing lands after the removal.
    if (!closed) await handle.close().catch(() => undefined);
    await fs.rm(partPath, { force: true });
  }
}

/** The inspection, timed: as the upload arrives, so a slow sender counts in it too. */
async function timedInspection<T>(inspect: () => Promise<T>): Promise<T> {
  const end = metrics().inspectionDuration.startTimer();
  try {
    const info = await inspect();
    end({ outcome: "accepted" });
    return info;
  } catch (error) {
    end({ outcome: error instanceof BundleError ? "refused" : "failed" });
    throw error;
  }
}

/**
 * The upload, passed on chunk by chunk once it is counted and hashed. Each
 * chunk's write runs while the next one is inspected, at most one write in
 * flight: one read, with backpressure from both the disk and the inspection.
 */
async function* tee(source: BundleSource, handle: FileHandle, upload: Upload, maxBytes: number): AsyncGenerator<Buffer> {
  let writing: Promise<void> = Promise.resolve();
  try {
    for await (const chunk of sourceChunks(source)) {
      if (upload.stopped) return;
      const bytes = toBuffer(chunk);
      const position = upload.size;
      upload.size += bytes.length;
      if (upload.size > maxBytes) throw new BundleError("too_large", `the upload is larger than ${maxBytes} bytes`);
      upload.hash.update(bytes);
      await writing;
      writing = writeAt(handle, bytes, position);
      // Handled now, so a failing write never counts as unhandled while the chunk is inspected; awaited above.
      writing.catch(() => undefined);
      yield bytes;
    }
    await writing;
  } finally {
    // Stopped early: let the last write settle; its failure no longer matters.
    await writing.catch(() => undefined);
  }
}

async function writeAt(handle: FileHandle, bytes: Buffer, position: number): Promise<void> {
  for (let at = 0; at < bytes.length; ) {
    const { bytesWritten } = await onDisk(() => handle.write(bytes, at, bytes.length - at, position + at));
    at += bytesWritten;
  }
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError("a bundle upload must yield bytes, not text");
}

/** Runs a file system call, turning a full disk into an error the uploader can act on. */
async function onDisk<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOSPC" || code === "EDQUOT") throw new BundleError("disk_full", "the disk is full; the bundle was not stored");
    throw error;
  }
}

/** Makes the rename itself durable. Some file systems refuse fsync on a directory; the rename stands anyway. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, "r").catch(() => null);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}
