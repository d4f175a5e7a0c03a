import "server-only";
import { and, desc, eq, isNotNull } from "drizzle-orm";
import type Docker from "dockerode";
import { storeDriverImage } from "@/lib/driver-images/store-driver-image";
import { getDb, type Db } from "@/lib/db/client";
import { images } from "@/lib/db/schema";
import { defaultEngine } from "@/lib/engines/engine-clients";
import { parseImageRef } from "@/lib/docker/image/image-ref";
import { inspectImageId } from "@/lib/docker/image/read-driver-image";
import { getImageView } from "./image-view";

/**
 * Reads a driver image the engine has (any reference: a build's tag, a
 * pulled or imported image) and stores its drivers, markers and failures.
 * An image id kobuild has already read is not read again unless `reread`:
 * an image's content never changes under its id. `created` tells which.
 */
export async function recordDriverImage(
  { ref, reread = false }: { ref: string; reread?: boolean },
  opts: { db?: Db; engine?: Docker; signal?: AbortSignal } = {},
) {
  const db = opts.db ?? getDb();
  const engine = opts.engine ?? defaultEngine();
  parseImageRef(ref);
  const dockerId = await inspectImageId(engine, ref);
  if (!reread) {
    const known = db
      .select({ id: images.id, ref: images.ref })
      .from(images)
      .where(and(eq(images.dockerId, dockerId), isNotNull(images.readAt)))
      .orderBy(desc(images.id))
      .get();
    if (known) {
      // An untagged build result learns the name it was asked by.
      if (known.ref === null) db.update(images).set({ ref }).where(eq(images.id, known.id)).run();
      return { created: false, image: getImageView(known.id, db) };
    }
  }
  const stored = await storeDriverImage(db, engine, ref, { tag: ref, signal: opts.signal });
  return { created: true, image: getImageView(stored.imageId, db) };
}
