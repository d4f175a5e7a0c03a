import "server-only";
import fs from "node:fs";
import path from "node:path";
import { count, sql, sum } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { builds, bundles, images, logLines, workspaces } from "@/lib/db/schema";
import { env } from "@/lib/env";

/** The totals the Overview shows, disk use included. */
export function countRecords() {
  const db = getDb();
  const bundleTotals = db.select({ n: count(), bytes: sum(bundles.size) }).from(bundles).get();
  // An image read twice (a build, then as a cache) is counted once.
  const imageTotals = db.get<{ n: number; bytes: number | null }>(
    sql`SELECT count(*) AS n, sum(size) AS bytes FROM (SELECT ${images.dockerId}, max(${images.size}) AS size FROM ${images} GROUP BY ${images.dockerId})`,
  );
  return {
    bundles: bundleTotals?.n ?? 0,
    bundleBytes: Number(bundleTotals?.bytes ?? 0),
    workspaces: db.select({ n: count() }).from(workspaces).get()?.n ?? 0,
    builds: db.select({ n: count() }).from(builds).get()?.n ?? 0,
    logLines: db.select({ n: sql<number>`coalesce(max(rowid), 0)` }).from(logLines).get()?.n ?? 0,
    images: imageTotals?.n ?? 0,
    imageBytes: Number(imageTotals?.bytes ?? 0),
    databaseBytes: databaseBytes(),
  };
}

/** The database file with its write-ahead log: where build logs and history live. */
function databaseBytes() {
  const base = path.join(env().dataDir, "kobuild.db");
  let total = 0;
  for (const file of [base, `${base}-wal`]) {
    try {
      // The data directory is not part of the server build: not traced.
      total += fs.statSync(/* turbopackIgnore: true */ file).size;
    } catch {
      // no write-ahead log right now
    }
  }
  return total;
}
