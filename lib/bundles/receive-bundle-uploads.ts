import "server-only";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import { env } from "@/lib/env";
import { DomainError, type DomainErrorCode } from "@/lib/domain-error";
import type { BundleRow } from "./bundle-row";
import { KernelTakenError } from "./replace-bundle";
import { storeBundle } from "./store-bundle";

export type UploadResult =
  | { file: string; status: "stored" | "duplicate"; bundle: BundleRow }
  /** The file replaced the stored bundle of its kernel; `previous` is that bundle's content. */
  | { file: string; status: "replaced"; bundle: BundleRow; previous: { sha256: string; size: number } }
  /** `conflict`: another bundle of the kernel is stored; the upload may replace it. */
  | { file: string; status: "rejected"; error: string; code: DomainErrorCode; conflict?: { kernel: string; storedSha256: string; sha256: string } };

const MAX_FILES = 1000;

/**
 * Stores every file of a multipart upload as a bundle, one after the other,
 * each replacing the stored bundle of its kernel when `replace` is set,
 * each streamed from the request to disk. A bad file is reported by name and
 * leaves nothing behind; the others are still stored. An upload cut off
 * midway (the browser cancelled it) ends the file being stored as a failure,
 * so its partial copy is removed too.
 */
export async function receiveBundleUploads(request: Request, { replace = false }: { replace?: boolean } = {}): Promise<UploadResult[]> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) throw new DomainError("bad_request", "send the bundles as multipart/form-data");
  if (!request.body) throw new DomainError("bad_request", "the request has no body");
  const maxBytes = env().maxBundleBytes;
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: { "content-type": type }, limits: { files: MAX_FILES, fields: 0, parts: MAX_FILES } });
  } catch (error) {
    throw new DomainError("bad_request", `the upload is not valid multipart data: ${(error as Error).message}`);
  }
  const results: UploadResult[] = [];
  let work = Promise.resolve();
  // The first failure that is not the file's fault (a database error); later files are skipped, not stored.
  let unexpected: { error: unknown } | null = null;
  let tooManyFiles = false;

  parser.on("file", (_field, stream, info) => {
    // Files are stored one at a time; busboy waits while a file's stream is not read.
    work = work.then(async () => {
      try {
        if (unexpected) return;
        const { bundle, duplicate, replaced } = await storeBundle({ fileName: info.filename, source: stream, maxBytes, replace });
        if (replaced) results.push({ file: info.filename, status: "replaced", bundle, previous: { sha256: replaced.sha256, size: replaced.size } });
        else results.push({ file: info.filename, status: duplicate ? "duplicate" : "stored", bundle });
      } catch (error) {
        if (error instanceof KernelTakenError) {
          const conflict = { kernel: error.kernel, storedSha256: error.storedSha256, sha256: error.sha256 };
          results.push({ file: info.filename, status: "rejected", error: error.message, code: error.code, conflict });
        } else if (error instanceof DomainError) results.push({ file: info.filename, status: "rejected", error: error.message, code: error.code });
        else unexpected ??= { error };
      } finally {
        // Whatever was not read of a rejected file is skipped, so the next one can come.
        stream.resume();
      }
    });
  });
  parser.on("filesLimit", () => {
    tooManyFiles = true;
  });

  try {
    // pipeline, not pipe: a request cut off midway reaches the parser, which ends the file being stored.
    await pipeline(Readable.fromWeb(request.body as import("node:stream/web").ReadableStream), parser);
  } catch (error) {
    // Let the file being stored fail and clean up before answering.
    await work;
    throw new DomainError("bad_request", `the upload is not valid multipart data or was cut off: ${(error as Error).message}`);
  }
  await work;
  if (unexpected) throw (unexpected as { error: unknown }).error;
  if (tooManyFiles) throw new DomainError("payload_too_large", `at most ${MAX_FILES} files per upload`);
  if (results.length === 0) throw new DomainError("bad_request", "the upload holds no file");
  return results;
}
