import { Readable } from "node:stream";

/** What an upload is read from: a Node stream, a web stream (a route's `request.body`) or any async iterable of bytes. */
export type BundleSource = AsyncIterable<Uint8Array> | Readable | ReadableStream<Uint8Array>;

/**
 * The chunks of a source, for reading once. Stopping early leaves the source
 * to its owner: destroying a Node stream would emit an AbortError nobody
 * listens to, and a route may still answer on that connection.
 */
export function sourceChunks(source: BundleSource): AsyncIterable<unknown> {
  if (source instanceof Readable) return source.iterator({ destroyOnReturn: false });
  if (source instanceof ReadableStream) return webChunks(source);
  return source;
}

async function* webChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
