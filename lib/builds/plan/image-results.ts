import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { drivers, failures } from "@/lib/db/schema";
import { taskKey } from "./explain-plan";

export type TaskResult = "built" | "failed" | "unavailable";

/**
 * How each task ended, as an image (its record) shows it: a driver is built,
 * a marker unavailable, a failure log failed. A driver wins over a failure
 * log of the same task, as the coverage has it.
 */
export function imageResults(db: Db, imageRecordId: number): Map<string, TaskResult> {
  const results = new Map<string, TaskResult>();
  for (const [kernel, moduleVersion, flavour] of db
    .select({ kernel: failures.kernel, moduleVersion: failures.moduleVersion, flavour: failures.flavour })
    .from(failures)
    .where(eq(failures.imageId, imageRecordId))
    .values()) {
    results.set(taskKey(kernel, moduleVersion, flavour), "failed");
  }
  for (const [kernel, moduleVersion, flavour, kind] of db
    .select({ kernel: drivers.kernel, moduleVersion: drivers.moduleVersion, flavour: drivers.flavour, kind: drivers.kind })
    .from(drivers)
    .where(eq(drivers.imageId, imageRecordId))
    .values()) {
    const key = taskKey(kernel, moduleVersion, flavour);
    if (kind === "driver") results.set(key, "built");
    else if (!results.has(key)) results.set(key, "unavailable");
  }
  return results;
}
