import "server-only";
import type { Readable } from "node:stream";
import type Docker from "dockerode";
import tar from "tar-stream";

/**
 * The tar of one path of a (never started) container, as the engine streams
 * it; null when the path does not exist in the container's filesystem.
 */
export async function openContainerArchive(container: Docker.Container, pathInContainer: string, signal?: AbortSignal) {
  try {
    // dockerode 5 takes abortSignal in opts; its types predate it.
    return (await container.getArchive({ path: pathInContainer, abortSignal: signal })) as unknown as Readable;
  } catch (error) {
    // 404 is both "no such path" and "no such container": only while the container exists is the path absent.
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    await container.inspect().catch(() => {
      throw error;
    });
    return null;
  }
}

export type TarEntry = tar.Header & {
  /** The entry's path in the container, absolute, without a trailing slash. */
  pathInImage: string;
};

/**
 * Calls `onEntry` for each entry of a tar stream, one at a time, as the bytes
 * arrive: nothing is held beyond the entry being read. `onEntry` must consume
 * the body (it is drained here if it does not). An abort destroys the
 * archive, which fails the loop with the signal's reason.
 */
export async function forEachTarEntry(
  archive: Readable,
  onEntry: (entry: TarEntry, body: AsyncIterable<Buffer>) => Promise<void>,
  signal?: AbortSignal,
) {
  const extract = tar.extract();
  const onAbort = () => archive.destroy(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
  signal?.addEventListener("abort", onAbort, { once: true });
  archive.on("error", (error) => extract.destroy(error));
  archive.pipe(extract);
  try {
    signal?.throwIfAborted();
    for await (const body of extract) {
      const name = body.header.name.replace(/^(\.\/|\/)+/, "").replace(/\/+$/, "");
      // streamx's types do not say it, but an entry yields Buffers like any byte stream.
      const bytes = body as unknown as AsyncIterable<Buffer>;
      await onEntry({ ...body.header, pathInImage: `/${name}` }, bytes);
      // Whatever the handler left unread must go before the next header can be parsed.
      for await (const chunk of bytes) void chunk;
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    // Frees the connection when the loop stopped early; a no-op after a clean end.
    archive.destroy();
  }
  signal?.throwIfAborted();
}
