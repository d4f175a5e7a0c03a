import "server-only";
import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { builds } from "@/lib/db/schema";
import { listImageViews } from "@/lib/driver-images/image-view";
import type { CoverageSubjectRef } from "./load-coverage";
import { buildSubjectLabel } from "./subject-label";

/** What a coverage or failures page can show: recent driver builds and the images kobuild has read. */
export function listCoverageSubjects(db: Db = getDb()) {
  const recent = db
    .select({ id: builds.id, status: builds.status, branch: builds.branch, imageId: builds.imageId, createdAt: builds.createdAt, options: builds.options })
    .from(builds)
    // A shard's drivers are its sharded build's: that build is the subject.
    .where(and(eq(builds.kind, "drivers"), isNull(builds.parentId), inArray(builds.status, ["succeeded", "partial", "failed", "cancelled", "interrupted", "running"])))
    .orderBy(desc(builds.id))
    .limit(100)
    .all();
  const { images } = listImageViews({ perPage: 100 }, db);
  const newest = recent.find((b) => b.imageId !== null) ?? recent[0];
  let latest: CoverageSubjectRef | null = null;
  if (newest) latest = { kind: "build", id: newest.id };
  else if (images[0]) latest = { kind: "image", id: images[0].id };
  return {
    builds: recent.map((b) => ({ value: `build:${b.id}`, label: buildSubjectLabel(b) })),
    images: images.map((i) => ({ value: `image:${i.id}`, label: `${i.ref ?? i.dockerId.slice(7, 19)} (image ${i.id})` })),
    /** The newest build with a result, the page's default. */
    latest,
  };
}

/** `?build=12` or `?image=3` of a page's URL. */
export function subjectFromSearch(search: Record<string, string | string[] | undefined>): CoverageSubjectRef | null {
  const pick = (v: unknown) => (typeof v === "string" && /^\d{1,12}$/.test(v) ? Number(v) : null);
  const build = pick(search.build);
  if (build) return { kind: "build", id: build };
  const image = pick(search.image);
  if (image) return { kind: "image", id: image };
  return null;
}
