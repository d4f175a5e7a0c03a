import "server-only";
import { desc } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { builds } from "@/lib/db/schema";

export function listBuilds({ limit = 50 }: { limit?: number } = {}) {
  return getDb().select().from(builds).orderBy(desc(builds.id)).limit(limit).all();
}
