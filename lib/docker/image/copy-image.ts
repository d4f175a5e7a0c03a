import "server-only";
import type Docker from "dockerode";
import { followEngineStream } from "@/lib/docker/follow-engine-stream";

/**
 * Streams an image (with its tag) from one engine into another, as
 * `docker save | docker load` would: the archive is never held in memory
 * nor written to disk here. For base images that exist on no registry.
 */
export async function copyImage(from: Docker, to: Docker, ref: string, signal?: AbortSignal) {
  const archive = (await from.getImage(ref).get()) as NodeJS.ReadableStream;
  const onAbort = () => (archive as unknown as { destroy?: (error?: Error) => void }).destroy?.(new Error("aborted"));
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const response = (await to.loadImage(archive, { quiet: true, abortSignal: signal } as unknown as Record<string, unknown>)) as NodeJS.ReadableStream;
    await followEngineStream(response);
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}
