import "server-only";
import { count, sum } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { builds, bundles, workspaces } from "@/lib/db/schema";

/** The totals the Overview shows. */
export function countRecords() {
  const db = getDb();
  const bundleTotals = db.select({ n: count(), bytes: sum(bundles.size) }).from(bundles).get();
  return {
    bundles: bundleTotals?.n ?? 0,
    bundleBytes: Number(bundleTotals?.bytes ?? 0),
    workspaces: db.select({ n: count() }).from(workspaces).get()?.n ?? 0,
    builds: db.select({ n: count() }).from(builds).get()?.n ?? 0,
  };
}
