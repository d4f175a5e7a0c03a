import "server-only";
import { and, asc, desc, eq, or, sql, type SQL } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { bundles } from "@/lib/db/schema";
import type { BundleRow } from "./bundle-row";

export type BundleSort = "kernel" | "uname" | "distro" | "version" | "size" | "addedAt";

export type BundleFilter = {
  /** Part of the kernel id or of the uname, case-insensitive. */
  search?: string;
  distro?: string;
  version?: number;
  sort?: BundleSort;
  order?: "asc" | "desc";
};

// Every sort ends on the kernel id (unique) so pages are stable.
const sortColumns = {
  kernel: [bundles.kernel],
  uname: [bundles.uname, bundles.kernel],
  distro: [bundles.distro, bundles.kernel],
  version: [bundles.version, bundles.major, bundles.minor, bundles.kernel],
  size: [bundles.size, bundles.kernel],
  addedAt: [bundles.addedAt, bundles.kernel],
} as const;

export function listBundles(filter: BundleFilter = {}, db: Db = getDb()): BundleRow[] {
  const where: SQL[] = [];
  const search = filter.search?.trim();
  if (search) {
    const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const match = or(sql`${bundles.kernel} LIKE ${pattern} ESCAPE '\\'`, sql`${bundles.uname} LIKE ${pattern} ESCAPE '\\'`);
    if (match) where.push(match);
  }
  if (filter.distro) where.push(eq(bundles.distro, filter.distro));
  if (filter.version !== undefined) where.push(eq(bundles.version, filter.version));
  const direction = filter.order === "desc" ? desc : asc;
  const columns = sortColumns[filter.sort ?? "kernel"] ?? sortColumns.kernel;
  return db
    .select()
    .from(bundles)
    .where(and(...where))
    .orderBy(...columns.map((c) => direction(c)))
    .all();
}

export function getBundle(id: number, db: Db = getDb()): BundleRow | undefined {
  return db.select().from(bundles).where(eq(bundles.id, id)).get();
}
