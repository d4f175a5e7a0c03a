import "server-only";
import path from "node:path";
import type { Readable } from "node:stream";
import type Docker from "dockerode";
import { readTarEntries, TarParser, wholeText, type ArchiveEntry, type EntrySink } from "./tar-entries";

const TAR_MAGIC_AT = 257;
const HEADER_BYTES = 512;
const MANIFEST_MAX_BYTES = 1024 * 1024;

/**
 * Reads every layer of an image from the engine's archive of it (`docker
 * save`), as the bytes arrive: `onEntry` gets each entry of each layer with
 * the layer's name in the archive, and returns where that entry's bytes go.
 * No container is made, which for a small image is far less work for the
 * engine. Every archive layout is read: Docker's (`<id>/layer.tar`, a layer
 * the image has twice written once and then as a symlink), Podman's
 * (`<digest>.tar`) and the OCI one (`blobs/sha256/...`, whose blobs that are
 * not tars are skipped). Layers come in the archive's order, not the image's,
 * and whiteouts are the caller's: the answer is the layers' names, lowest first.
 */
export async function readImageLayers(engine: Docker, imageId: string, onEntry: (layer: string, entry: ArchiveEntry) => EntrySink | null, signal?: AbortSignal): Promise<string[]> {
  signal?.throwIfAborted();
  // An abort destroys the stream (readTarEntries), which ends the request.
  const archive = (await engine.getImage(imageId).get()) as unknown as Readable;
  const links = new Map<string, string>();
  let manifest: string | null = null;
  await readTarEntries(
    archive,
    (entry) => {
      const name = entry.pathInImage.slice(1);
      if (entry.type === "symlink" && entry.linkname) links.set(name, path.posix.join(path.posix.dirname(name), entry.linkname));
      if (entry.type !== "file") return null;
      if (name === "manifest.json") return wholeText(MANIFEST_MAX_BYTES, `the engine's archive of the image has a manifest.json larger than ${MANIFEST_MAX_BYTES} bytes`, (text) => (manifest = text));
      if (!name.endsWith(".tar") && !name.startsWith("blobs/")) return null;
      return layerSink((layerEntry) => onEntry(name, layerEntry));
    },
    signal,
  );
  return layerOrder(manifest).map((name) => links.get(name) ?? name);
}

/** A layer's tar, parsed as its bytes arrive; a blob that is not a tar (an OCI config or manifest) is skipped. */
function layerSink(onEntry: (entry: ArchiveEntry) => EntrySink | null): EntrySink {
  let head: Buffer[] = [];
  let headBytes = 0;
  let parser: TarParser | null = null;
  let skip = false;
  return {
    data(chunk) {
      if (skip) return;
      if (parser) return parser.push(chunk);
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes < HEADER_BYTES) return;
      const start = Buffer.concat(head);
      head = [];
      if (start.toString("latin1", TAR_MAGIC_AT, TAR_MAGIC_AT + 5) !== "ustar") {
        skip = true;
        return;
      }
      parser = new TarParser(onEntry);
      parser.push(start);
    },
    end() {
      parser?.end();
    },
  };
}

/** The layers' names, lowest first, from the archive's manifest.json (of one image). */
function layerOrder(manifest: string | null): string[] {
  if (manifest === null) throw new Error("the engine's archive of the image has no manifest.json");
  const parsed = JSON.parse(manifest) as { Layers?: unknown }[];
  const layers = Array.isArray(parsed) ? parsed[0]?.Layers : undefined;
  if (!Array.isArray(layers) || !layers.every((l) => typeof l === "string")) throw new Error("the engine's archive of the image has a manifest.json without its layers");
  return layers.map((l) => l.replace(/^\.?\//, ""));
}
