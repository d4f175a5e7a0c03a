import "server-only";
import { Readable } from "node:stream";
import type Docker from "dockerode";
import { forEachTarEntry, type TarEntry } from "./container-archive";

const TAR_MAGIC_OFFSET = 257;
const HEADER_BYTES = 512;

/**
 * Calls `onEntry` for each file of each layer of an image, from the engine's
 * archive of the image (`docker save`), as the bytes arrive. No container is
 * made, so for a small image built FROM scratch this is far less work for the
 * engine than reading it through one. Every archive layout is read: Docker's
 * (`<id>/layer.tar`), Podman's (`<digest>.tar`) and the OCI one
 * (`blobs/sha256/...`, whose blobs that are not tars are skipped). Layers come in
 * their order in the archive, and whiteouts are not applied: for images whose
 * layers add distinct files only.
 */
export async function forEachImageLayerEntry(
  engine: Docker,
  imageId: string,
  onEntry: (entry: TarEntry, body: AsyncIterable<Buffer>) => Promise<void>,
  signal?: AbortSignal,
) {
  signal?.throwIfAborted();
  // An abort destroys the stream (forEachTarEntry), which ends the request.
  const archive = (await engine.getImage(imageId).get()) as unknown as Readable;
  await forEachTarEntry(
    archive,
    async (entry, body) => {
      // Docker names a layer <id>/layer.tar, Podman <digest>.tar, the OCI layout blobs/sha256/<digest>.
      if (entry.type !== "file" || !(entry.pathInImage.endsWith(".tar") || entry.pathInImage.startsWith("/blobs/"))) return;
      const layer = await tarOrNull(body);
      if (layer) await forEachTarEntry(layer, onEntry, signal);
    },
    signal,
  );
}

/** The body as a stream when it begins with a tar header, else null (the rest is left for the caller to drain). */
async function tarOrNull(body: AsyncIterable<Buffer>): Promise<Readable | null> {
  const iterator = body[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  while (size < HEADER_BYTES) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
    size += next.value.length;
  }
  const start = Buffer.concat(head);
  if (start.length < HEADER_BYTES || start.toString("latin1", TAR_MAGIC_OFFSET, TAR_MAGIC_OFFSET + 5) !== "ustar") return null;
  return Readable.from(
    (async function* () {
      yield start;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    })(),
  );
}
