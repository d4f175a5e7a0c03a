import "server-only";
import type Docker from "dockerode";
import { Readable } from "node:stream";
import tar from "tar-stream";
import { env } from "@/lib/env";
import { sendWatchedContext } from "./context-watchdog";

/** The image a build without a cache reads its "earlier drivers" from: empty /kernel-modules and /FAILURES. */
export const EMPTY_CACHE = { repo: "kobuild", tag: "empty", image: "kobuild/collector-drivers:empty" } as const;

/** Makes the empty cache image from scratch when the engine lacks it: no registry needed. */
export async function ensureEmptyCacheImage(engine: Docker) {
  try {
    await engine.getImage(EMPTY_CACHE.image).inspect();
    return;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  const context = tar.pack();
  const dockerfile = "FROM scratch\nCOPY kernel-modules /kernel-modules\nCOPY FAILURES /FAILURES\n";
  context.entry({ name: "Dockerfile" }, dockerfile);
  context.entry({ name: "kernel-modules", type: "directory", mode: 0o755 });
  context.entry({ name: "FAILURES", type: "directory", mode: 0o755 });
  context.finalize();
  await sendWatchedContext(Readable.from(context, { objectMode: false }), { stallSeconds: env().contextStallSeconds }, async (body, signal) => {
    const stream = (await engine.buildImage(body, { t: EMPTY_CACHE.image, abortSignal: signal } as Docker.ImageBuildOptions)) as NodeJS.ReadableStream;
    await new Promise<void>((resolve, reject) =>
      engine.modem.followProgress(stream, (error: Error | null, output: Array<{ error?: string }>) => {
        const failed = error ?? output.find((o) => o.error);
        if (failed) reject(new Error(`could not create ${EMPTY_CACHE.image}: ${(failed as { error?: string }).error ?? String(failed)}`));
        else resolve();
      }),
    );
  });
}
