import "server-only";
import { and, avg, desc, eq, inArray, isNotNull } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { builds, tasks } from "@/lib/db/schema";
import { taskKey, type TaskSeconds } from "./kernel-work";

/** Recent enough to reflect the driver as it is, many enough to have timed most kernels. */
const RECENT_BUILDS = 30;

/**
 * The mean seconds each kernel and flavour's tasks took in the workspace's
 * recent builds, built or failed (both ran the compiler).
 */
export function recentTaskSeconds(db: Db, workspaceId: number): TaskSeconds {
  const recent = db
    .select({ id: builds.id })
    .from(builds)
    .where(eq(builds.workspaceId, workspaceId))
    .orderBy(desc(builds.id))
    .limit(RECENT_BUILDS);
  const rows = db
    .select({ kernel: tasks.kernel, flavour: tasks.flavour, seconds: avg(tasks.seconds) })
    .from(tasks)
    .where(and(inArray(tasks.buildId, recent), isNotNull(tasks.seconds), inArray(tasks.state, ["built", "failed"])))
    .groupBy(tasks.kernel, tasks.flavour)
    .all();
  return new Map(rows.filter((r) => r.seconds !== null).map((r) => [taskKey(r.kernel, r.flavour), Number(r.seconds) / 1000]));
}
