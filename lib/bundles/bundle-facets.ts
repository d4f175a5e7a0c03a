import "server-only";
import { asc, count, sum } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { bundles } from "@/lib/db/schema";

export type BundleFacets = {
  total: number;
  totalBytes: number;
  /** Each stored distribution with its number of bundles, by name. */
  distros: { distro: string; count: number }[];
  /** Each stored kernel major version (the 6 of 6.1.0) with its number of bundles, lowest first. */
  versions: { version: number; count: number }[];
};

/** What the stored bundles can be filtered by: only values that exist, so no filter leads to an empty list by itself. */
export function bundleFacets(db: Db = getDb()): BundleFacets {
  const totals = db.select({ n: count(), bytes: sum(bundles.size) }).from(bundles).get();
  return {
    total: totals?.n ?? 0,
    totalBytes: Number(totals?.bytes ?? 0),
    distros: db.select({ distro: bundles.distro, count: count() }).from(bundles).groupBy(bundles.distro).orderBy(asc(bundles.distro)).all(),
    versions: db.select({ version: bundles.version, count: count() }).from(bundles).groupBy(bundles.version).orderBy(asc(bundles.version)).all(),
  };
}
