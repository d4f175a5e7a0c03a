import "server-only";
import { count, desc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { builds, drivers, failures, images } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import { compareVersions } from "@/lib/workspace/compare-versions";

type ImageRow = typeof images.$inferSelect;

/** Drivers, markers, failures, kernels and module versions per image, for the given images only. */
function contentCounts(db: Db, ids: number[]) {
  const result = new Map<number, { drivers: number; markers: number; failures: number; kernels: number; moduleVersions: string[] }>();
  if (ids.length === 0) return result;
  for (const id of ids) result.set(id, { drivers: 0, markers: 0, failures: 0, kernels: 0, moduleVersions: [] });
  const files = db
    .select({
      imageId: drivers.imageId,
      drivers: sql<number>`sum(${drivers.kind} = 'driver')`,
      markers: sql<number>`sum(${drivers.kind} = 'marker')`,
      kernels: sql<number>`count(distinct ${drivers.kernel})`,
      moduleVersions: sql<string>`group_concat(distinct ${drivers.moduleVersion})`,
    })
    .from(drivers)
    .where(inArray(drivers.imageId, ids))
    .groupBy(drivers.imageId)
    .all();
  for (const f of files) {
    Object.assign(result.get(f.imageId)!, {
      drivers: Number(f.drivers ?? 0),
      markers: Number(f.markers ?? 0),
      kernels: Number(f.kernels ?? 0),
      moduleVersions: (f.moduleVersions ?? "").split(",").filter(Boolean).sort(compareVersions),
    });
  }
  const logs = db.select({ imageId: failures.imageId, n: count() }).from(failures).where(inArray(failures.imageId, ids)).groupBy(failures.imageId).all();
  for (const l of logs) result.get(l.imageId)!.failures = l.n;
  return result;
}

function buildsOf(db: Db, ids: number[]) {
  const result = new Map<number, number[]>();
  if (ids.length === 0) return result;
  for (const b of db.select({ id: builds.id, imageId: builds.imageId }).from(builds).where(inArray(builds.imageId, ids)).orderBy(builds.id).all()) {
    result.set(b.imageId!, [...(result.get(b.imageId!) ?? []), b.id]);
  }
  return result;
}

function views(db: Db, rows: ImageRow[]) {
  const ids = rows.map((r) => r.id);
  const counts = contentCounts(db, ids);
  const made = buildsOf(db, ids);
  return rows.map((r) => ({
    id: r.id,
    ref: r.ref,
    dockerId: r.dockerId,
    size: r.size,
    layers: r.layers,
    imageCreatedAt: r.imageCreatedAt,
    readAt: r.readAt,
    ...counts.get(r.id)!,
    builds: made.get(r.id) ?? [],
  }));
}

/** An image kobuild has read, with what it holds and which builds made it. */
export function getImageView(id: number, db: Db = getDb()) {
  const row = db.select().from(images).where(eq(images.id, id)).get();
  if (!row) throw new DomainError("not_found", `no image with id ${id}`);
  return views(db, [row])[0]!;
}

export type ImageView = ReturnType<typeof getImageView>;

/** The images kobuild has read (build results and inspected ones), newest read first. */
export function listImageViews({ page = 1, perPage = 50 }: { page?: number; perPage?: number } = {}, db: Db = getDb()) {
  const rows = db
    .select()
    .from(images)
    .where(isNotNull(images.readAt))
    .orderBy(desc(images.readAt), desc(images.id))
    .limit(perPage)
    .offset((page - 1) * perPage)
    .all();
  const total = db.select({ n: count() }).from(images).where(isNotNull(images.readAt)).get()?.n ?? 0;
  return { total, page, perPage, images: views(db, rows) };
}
