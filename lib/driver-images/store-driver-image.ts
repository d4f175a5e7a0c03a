import "server-only";
import { and, desc, eq, isNotNull, sql } from "drizzle-orm";
import type Docker from "dockerode";
import type { Db } from "@/lib/db/client";
import { failureSignature } from "@/lib/driver-images/failure-signature";
import { bundles, drivers, failures, images } from "@/lib/db/schema";
import { inspectImage } from "@/lib/docker/image/inspect-image";
import { readDriverImage, type DriverImageContent } from "@/lib/docker/image/read-driver-image";

export type StoreDriverImageOptions = {
  tag?: string | null;
  signal?: AbortSignal;
  /** See readDriverImage: a full collector image's flat /kernel-modules. */
  flatModuleVersion?: string;
  /** What was already read from this image: it is stored as is, not read again. */
  content?: DriverImageContent;
};

/**
 * Reads an image's /kernel-modules and /FAILURES and stores every driver,
 * marker and failure log (with its signature) under a new image record.
 * Returns the record's id.
 */
export async function storeDriverImage(db: Db, engine: Docker, ref: string, opts: StoreDriverImageOptions = {}) {
  const content = opts.content ?? (await readDriverImage(engine, ref, { signal: opts.signal, flatModuleVersion: opts.flatModuleVersion }));
  const inspect = content.inspect ?? (await engine.getImage(content.imageId).inspect());
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
    return { imageId: image.id, dockerId: content.imageId, drivers: content.drivers.length, failures: content.failures.length, layers: inspect.RootFS?.Layers?.length ?? null };
  });
}

/**
 * The record of an image as kobuild last read it: an image id names fixed
 * content, so an image read once is not read again. Reads and stores it
 * otherwise. Returns the record and its driver paths.
 */
export async function readDriverImageOnce(db: Db, engine: Docker, ref: string, opts: { signal?: AbortSignal } = {}) {
  const inspect = await inspectImage(engine, ref);
  const known = db
    .select({ id: images.id, ref: images.ref, layers: images.layers })
    .from(images)
    .where(and(eq(images.dockerId, inspect.Id), isNotNull(images.readAt)))
    .orderBy(desc(images.id))
    .get();
  let record: { id: number; layers: number | null };
  if (known) {
    record = known;
    if (!known.ref) db.update(images).set({ ref }).where(eq(images.id, known.id)).run();
  } else {
    const stored = await storeDriverImage(db, engine, ref, { tag: ref, signal: opts.signal });
    record = { id: stored.imageId, layers: stored.layers };
  }
  const rows = db.select({ path: drivers.path, kind: drivers.kind, moduleVersion: drivers.moduleVersion }).from(drivers).where(eq(drivers.imageId, record.id)).all();
  return { imageId: record.id, dockerId: inspect.Id, layers: record.layers ?? inspect.RootFS?.Layers?.length ?? null, drivers: rows };
}
