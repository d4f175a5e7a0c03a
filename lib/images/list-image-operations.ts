import "server-only";
import { desc, ne } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { builds } from "@/lib/db/schema";
import { summarizeOptions } from "@/lib/builds/list-builds";

/** The latest merges, squashes and collector images, for the Images page. */
export function listImageOperations(limit = 8) {
  return getDb()
    .select({ id: builds.id, kind: builds.kind, status: builds.status, tag: builds.tag, options: builds.options, warnings: builds.warnings, error: builds.error, doneTasks: builds.doneTasks, plannedTasks: builds.plannedTasks, createdAt: builds.createdAt })
    .from(builds)
    .where(ne(builds.kind, "drivers"))
    .orderBy(desc(builds.id))
    .limit(limit)
    .all()
    .map((b) => ({ ...b, summary: summarizeOptions(b.options) }));
}

export type ImageOperationItem = ReturnType<typeof listImageOperations>[number];
