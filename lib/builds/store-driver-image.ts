import "server-only";
import { sql } from "drizzle-orm";
import type Docker from "dockerode";
import type { Db } from "@/lib/db/client";
import { bundles, drivers, failures, images } from "@/lib/db/schema";
import { readDriverImage } from "@/lib/docker/image/read-driver-image";
import { failureSignature } from "@/lib/coverage/failure-signature";

/**
 * Reads an image's /kernel-modules and /FAILURES and stores every driver,
 * marker and failure log (with its signature) under a new image record.
 * Returns the record's id.
 */
export async function storeDriverImage(db: Db, engine: Docker, ref: string, opts: { tag?: string | null; signal?: AbortSignal } = {}) {
  const content = await readDriverImage(engine, ref, { signal: opts.signal });
  const inspect = await engine.getImage(content.imageId).inspect();
  const unames = new Map(db.select({ kernel: bundles.kernel, uname: bundles.uname }).from(bundles).all().map((b) => [b.kernel, b.uname]));
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
    // One prepared statement for tens of thousands of rows.
    const insertDriver = tx
      .insert(drivers)
      .values({
        imageId: image.id,
        kernel: sql.placeholder("kernel"),
        moduleVersion: sql.placeholder("moduleVersion"),
        flavour: sql.placeholder("flavour"),
        kind: sql.placeholder("kind"),
        path: sql.placeholder("path"),
        size: sql.placeholder("size"),
        sha256: sql.placeholder("sha256"),
      })
      .onConflictDoNothing()
      .prepare();
    for (const d of content.drivers) insertDriver.run(d);
    for (const f of content.failures) {
      const signature = failureSignature(f.log, { kernel: f.kernel, uname: unames.get(f.kernel), moduleVersion: f.moduleVersion });
      tx.insert(failures)
        .values({ imageId: image.id, kernel: f.kernel, moduleVersion: f.moduleVersion, flavour: f.flavour, path: f.path, log: f.log, signature: signature?.signature ?? null })
        .onConflictDoNothing()
        .run();
    }
    return { imageId: image.id, dockerId: content.imageId, drivers: content.drivers.length, failures: content.failures.length };
  });
}
