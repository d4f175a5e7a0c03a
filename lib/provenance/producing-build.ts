import "server-only";
import { desc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { builds, images } from "@/lib/db/schema";

/**
 * The build that made an image record's image. A record of the same image
 * read again later (pulled back from a registry, inspected by its tag) was
 * made by no build itself: the engine's image id ties it to the build
 * whose record it shares.
 */
export function producingBuild(db: Db, imageRecordId: number) {
  const own = db.select().from(builds).where(eq(builds.imageId, imageRecordId)).orderBy(desc(builds.id)).get();
  if (own) return own;
  const record = db.select({ dockerId: images.dockerId }).from(images).where(eq(images.id, imageRecordId)).get();
  if (!record) return null;
  const same = db
    .select({ build: builds })
    .from(builds)
    .innerJoin(images, eq(builds.imageId, images.id))
    .where(eq(images.dockerId, record.dockerId))
    .orderBy(desc(builds.id))
    .get();
  return same?.build ?? null;
}
