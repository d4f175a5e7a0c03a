import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";

/**
 * A multipart/form-data body of one file, read from disk as it is sent:
 * a bundle can be gigabytes, so it is never held in memory (the stream waits
 * while the connection does). `sent` is told the file's bytes gone so far.
 */
export function multipartFile(file: string, sent: (bytes: number) => void): { body: ReadableStream<Uint8Array>; contentType: string } {
  const boundary = `kobuild-${randomBytes(16).toString("hex")}`;
  const name = path.basename(file).replace(/["\r\n\\]/g, "_");
  async function* parts() {
    yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="bundles"; filename="${name}"\r\nContent-Type: application/gzip\r\n\r\n`);
    let done = 0;
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
      done += (chunk as Buffer).length;
      sent(done);
      yield chunk as Buffer;
    }
    yield Buffer.from(`\r\n--${boundary}--\r\n`);
  }
  return { body: Readable.toWeb(Readable.from(parts())) as ReadableStream<Uint8Array>, contentType: `multipart/form-data; boundary=${boundary}` };
}
