import "server-only";
import { asc, eq } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { buildBundles } from "@/lib/db/schema";

/** The kernels whose bundles a build sent, as it recorded them when it started (none before). */
export function sentBundleKernels(buildId: number, db: Db = getDb()): string[] {
  return db.select({ kernel: buildBundles.kernel }).from(buildBundles).where(eq(buildBundles.buildId, buildId)).orderBy(asc(buildBundles.kernel)).all().map((b) => b.kernel);
}
