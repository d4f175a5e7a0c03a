import "server-only";
import { and, desc, eq, sql } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { builds } from "@/lib/db/schema";
import { driverOptionsOf } from "@/lib/build-options";
import type { Flavour } from "@/lib/vocabulary";

export type ReproductionView = {
  buildId: number;
  status: string;
  /** Null until it has ended with a file to compare. */
  identical: boolean | null;
  expected: string;
  actual: string | null;
  differences: string[];
};

/** The newest reproduction of one cell of an image, or null when nobody asked for one. */
export function latestReproduction(imageId: number, cell: { kernel: string; moduleVersion: string; flavour: Flavour }, db: Db = getDb()): ReproductionView | null {
  const row = db
    .select({ id: builds.id, status: builds.status, options: builds.options })
    .from(builds)
    .where(
      and(
        eq(builds.kind, "reproduce"),
        sql`json_extract(${builds.options}, '$.reproduce.imageId') = ${imageId}`,
        sql`json_extract(${builds.options}, '$.reproduce.kernel') = ${cell.kernel}`,
        sql`json_extract(${builds.options}, '$.reproduce.moduleVersion') = ${cell.moduleVersion}`,
        sql`json_extract(${builds.options}, '$.reproduce.flavour') = ${cell.flavour}`,
      ),
    )
    .orderBy(desc(builds.id))
    .get();
  if (!row) return null;
  const target = driverOptionsOf(row).reproduce!;
  return {
    buildId: row.id,
    status: row.status,
    identical: target.result?.identical ?? null,
    expected: target.sha256,
    actual: target.result?.actual ?? null,
    differences: target.result?.differences ?? [],
  };
}
