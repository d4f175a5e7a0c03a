import "server-only";
import type Docker from "dockerode";
import type { Db } from "@/lib/db/client";
import { drivers, failures, images } from "@/lib/db/schema";
import { readDriverImage } from "@/lib/docker/image/read-driver-image";

/**
 * Reads an image's /kernel-modules and /FAILURES and stores every driver,
 * marker and failure log under a new image record. Returns the record's id.
 */
export async function storeDriverImage(db: Db, engine: Docker, ref: string, opts: { tag?: string | null; signal?: AbortSignal } = {}) {
  const content = await readDriverImage(engine, ref, { signal: opts.signal });
  const inspect = await engine.getImage(content.imageId).inspect();
  return db.transaction((tx) => {
    const image = tx
      .insert(images)
      .values({
        ref: opts.tag ?? null,
        dockerId: content.imageId,
        size: inspect.Size,
        layers: inspect.RootFS?.Layers?.length ?? null,
        imageCreatedAt: inspect.Created ? new Date(inspect.Created) : null,
        readAt: new Date(),
      })
      .returning({ id: images.id })
      .get();
    for (const d of content.drivers) {
      tx.insert(drivers)
        .values({ imageId: image.id, kernel: d.kernel, moduleVersion: d.moduleVersion, flavour: d.flavour, kind: d.kind, path: d.path, size: d.size, sha256: d.sha256 })
        .onConflictDoNothing()
        .run();
    }
    for (const f of content.failures) {
      tx.insert(failures)
        .values({ imageId: image.id, kernel: f.kernel, moduleVersion: f.moduleVersion, flavour: f.flavour, path: f.path, log: f.log })
        .onConflictDoNothing()
        .run();
    }
    return { imageId: image.id, drivers: content.drivers.length, failures: content.failures.length };
  });
}
