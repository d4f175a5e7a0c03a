import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { drivers, images } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import { type Flavour } from "@/lib/vocabulary";

export type DriverCellQuery = { kernel: string; moduleVersion: string; flavour: Flavour };

/** The driver or marker an image holds for one cell, as kobuild read it. */
export function findDriverFile(imageId: number, cell: DriverCellQuery, db: Db = getDb()) {
  const image = db.select({ id: images.id, dockerId: images.dockerId, ref: images.ref }).from(images).where(eq(images.id, imageId)).get();
  if (!image) throw new DomainError("not_found", `no image with id ${imageId}`);
  const row = db
    .select()
    .from(drivers)
    .where(and(eq(drivers.imageId, imageId), eq(drivers.kernel, cell.kernel), eq(drivers.moduleVersion, cell.moduleVersion), eq(drivers.flavour, cell.flavour)))
    .get();
  if (!row) throw new DomainError("not_found", `image ${imageId} holds no ${cell.flavour} driver of ${cell.moduleVersion} for ${cell.kernel}`);
  return { image, driver: { kernel: row.kernel, moduleVersion: row.moduleVersion, flavour: row.flavour, kind: row.kind, path: row.path, size: row.size, sha256: row.sha256 } };
}
