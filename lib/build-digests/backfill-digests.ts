import "server-only";
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { buildDigests, builds } from "@/lib/db/schema";
import { digestBuild, ENDED_STATUSES } from "./digest-build";
import { log } from "@/lib/log/logger";

// Builds that ended before kobuild kept digests (or whose digest failed) are
// digested on first use, oldest first so that failure groups see their
// history in order. One build at a time, giving the event loop back between
// builds: pages, logs and health keep answering while a long history is read.

let running: Promise<void> | null = null;
/** Builds whose digest threw in this process: not tried again until a restart, so one bad build cannot hold every read up. */
const failed = new Set<number>();

export function pendingDigests(db: Db = getDb()): number[] {
  return db
    .select({ id: builds.id })
    .from(builds)
    .leftJoin(buildDigests, eq(buildDigests.buildId, builds.id))
    .where(and(eq(builds.kind, "drivers"), isNull(builds.parentId), inArray(builds.status, [...ENDED_STATUSES]), isNull(buildDigests.buildId)))
    .orderBy(asc(builds.id))
    .all()
    .map((b) => b.id)
    .filter((id) => !failed.has(id));
}

/** Resolves once every finished driver build has its digest; callers at the same time share one run. */
export function ensureDigests(db: Db = getDb()): Promise<void> {
  if (running) return running;
  const pending = pendingDigests(db);
  if (pending.length === 0) return Promise.resolve();
  running = (async () => {
    for (const id of pending) {
      try {
        digestBuild(id, db);
      } catch (error) {
        failed.add(id);
        log().error({ buildId: id, err: error }, "could not count the build for trends and failure groups");
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  })().finally(() => {
    running = null;
  });
  return running;
}
