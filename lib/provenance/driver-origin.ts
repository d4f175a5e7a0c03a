import "server-only";
import { and, desc, eq, inArray, isNotNull } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { buildBundles, buildInputs, builds, drivers, images, tasks } from "@/lib/db/schema";
import type { Flavour } from "@/lib/vocabulary";
import { producingBuild } from "./producing-build";

export type DriverOrigin = {
  /** The build that compiled the driver (a shard's own build when a sharded build made it). */
  buildId: number;
  workspace: string | null;
  branch: string | null;
  commit: string | null;
  commitDirty: boolean;
  bundle: { kernel: string; sha256: string } | null;
  /** The image the builder stage compiled on: the compiler. */
  builderImage: { ref: string; dockerId: string | null } | null;
  /** The builds the driver passed through on its way into this image, newest first (merges, squashes, caches). */
  via: number[];
};

const MAX_HOPS = 16;

/**
 * Where one driver of an image came from: followed back through the
 * operations and caches that carried it (matched by its sha256) to the build
 * whose builder compiled it, with that build's commit, the bundle it was sent
 * for the kernel and the builder's base image. Null when kobuild did not
 * build it (an image it was only asked to read) or the trail is gone.
 */
export function driverOrigin(db: Db, imageId: number, cell: { kernel: string; moduleVersion: string; flavour: Flavour }): DriverOrigin | null {
  const driver = db
    .select({ sha256: drivers.sha256 })
    .from(drivers)
    .where(and(eq(drivers.imageId, imageId), eq(drivers.kernel, cell.kernel), eq(drivers.moduleVersion, cell.moduleVersion), eq(drivers.flavour, cell.flavour), eq(drivers.kind, "driver")))
    .get();
  if (!driver?.sha256) return null;
  const via: number[] = [];
  let current = imageId;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const build = producingBuild(db, current);
    // A build met twice is a circle of records (the same image made twice): no origin to name.
    if (!build || via.includes(build.id)) return null;
    if (build.kind === "drivers" || build.kind === "reproduce") {
      const family = [build.id, ...db.select({ id: builds.id }).from(builds).where(and(eq(builds.parentId, build.id), eq(builds.status, "succeeded"))).all().map((r) => r.id)];
      const task = db
        .select({ buildId: tasks.buildId, state: tasks.state, builder: tasks.builder })
        .from(tasks)
        .where(and(inArray(tasks.buildId, family), eq(tasks.kernel, cell.kernel), eq(tasks.moduleVersion, cell.moduleVersion), eq(tasks.flavour, cell.flavour)))
        .orderBy(desc(tasks.buildId))
        .get();
      if (task?.state === "cached") {
        const cache = inputHolding(db, build.id, "cache", driver.sha256);
        if (cache !== null) {
          via.push(build.id);
          current = cache;
          continue;
        }
      }
      const maker = task && task.buildId !== build.id ? task.buildId : build.id;
      return {
        buildId: maker,
        workspace: build.workspaceName,
        branch: build.branch,
        commit: build.commit,
        commitDirty: Boolean(build.commitDirty),
        bundle: db.select({ kernel: buildBundles.kernel, sha256: buildBundles.sha256 }).from(buildBundles).where(and(inArray(buildBundles.buildId, [maker, build.id]), eq(buildBundles.kernel, cell.kernel))).get() ?? null,
        builderImage: task ? builderImageOf(db, maker, `${task.builder}-builder`) : null,
        via,
      };
    }
    const input = inputHolding(db, build.id, "input", driver.sha256);
    if (input === null) return null;
    via.push(build.id);
    current = input;
  }
  return null;
}

export function driverOriginOf(imageId: number, cell: { kernel: string; moduleVersion: string; flavour: Flavour }): DriverOrigin | null {
  return driverOrigin(getDb(), imageId, cell);
}

/** The record of a build's input image (of that role) that holds a file with this sha256. */
function inputHolding(db: Db, buildId: number, role: "cache" | "input", sha256: string): number | null {
  const inputs = db.select({ imageRecordId: buildInputs.imageRecordId, dockerId: buildInputs.dockerId }).from(buildInputs).where(and(eq(buildInputs.buildId, buildId), eq(buildInputs.role, role))).all();
  for (const input of inputs) {
    // The record the build read is the one to follow; an image id alone may name several records (the same bytes made twice).
    const candidates =
      input.imageRecordId !== null
        ? [input.imageRecordId]
        : input.dockerId
          ? db.select({ id: images.id }).from(images).where(and(eq(images.dockerId, input.dockerId), isNotNull(images.readAt))).orderBy(desc(images.id)).all().map((r) => r.id)
          : [];
    for (const id of candidates) {
      if (db.select({ id: drivers.id }).from(drivers).where(and(eq(drivers.imageId, id), eq(drivers.sha256, sha256))).get()) return id;
    }
  }
  return null;
}

function builderImageOf(db: Db, buildId: number, stage: string) {
  const rows = db.select({ ref: buildInputs.ref, dockerId: buildInputs.dockerId, stages: buildInputs.stages }).from(buildInputs).where(eq(buildInputs.buildId, buildId)).all();
  const row = rows.find((r) => r.stages.includes(stage));
  return row ? { ref: row.ref, dockerId: row.dockerId } : null;
}
