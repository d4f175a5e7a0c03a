import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { AdminRequest } from "./admin-request";

/** A multipart/form-data upload of one file whose bytes are read from `archive` while they are sent. */
export function streamedUploadRequest(fileName: string, archive: AsyncIterable<unknown>): Request {
  const boundary = `----kobuild-test-${randomBytes(12).toString("hex")}`;
  async function* body() {
    yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="bundle"; filename="${fileName}"\r\nContent-Type: application/gzip\r\n\r\n`);
    for await (const chunk of archive) yield Buffer.from(chunk as Uint8Array);
    yield Buffer.from(`\r\n--${boundary}--\r\n`);
  }
  return new AdminRequest("http://127.0.0.1/api/bundles", {
    method: "POST",
    body: Readable.toWeb(Readable.from(body())) as ReadableStream<Uint8Array>,
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    duplex: "half",
  } as RequestInit);
}

/** Every file (not directory) under a data directory's bundle store, temporary ones included. */
export function filesInBundleStore(dataDir: string): string[] {
  const root = path.join(dataDir, "bundles");
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((p) => !fs.statSync(path.join(root, p)).isDirectory()).sort();
}
