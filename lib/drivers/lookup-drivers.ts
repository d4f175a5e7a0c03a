import "server-only";
import { and, desc, eq } from "drizzle-orm";
import { loadCoverage } from "@/lib/coverage/load-coverage";
import { getDb, type Db } from "@/lib/db/client";
import { builds, bundles, drivers, failureGroups, failures, images } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import type { Flavour } from "@/lib/vocabulary";
import { cellFinder, lookupReleases, summarizeLookup, type DriverFileFact, type FailureFactDetail, type ImageFacts, type LookupSummary, type ReleaseAnswer } from "./driver-lookup-model";

// Loads what one driver image holds, once per lookup (its coverage, driver
// files, failures, the stored bundles' unames), and answers the releases
// from it: 10,000 lines are map reads, never a query each.

/** A driver image a lookup can answer from: the newest read of each ref (or untagged image id), newest first. */
export type LookupImage = { id: number; ref: string | null; dockerId: string; createdAt: Date | null; readAt: Date | null };

export type DriverLookup = {
  image: LookupImage;
  /** The images the caller may pick instead (`imageId`). */
  images: LookupImage[];
  moduleVersions: string[];
  moduleVersion: string | null;
  kernels: ReleaseAnswer[];
  summary: LookupSummary;
};

/** The images a lookup may answer from: kobuild's records, the newest per ref or tag first. */
export function listLookupImages(db: Db = getDb()): LookupImage[] {
  const rows = db
    .select({ id: images.id, ref: images.ref, dockerId: images.dockerId, createdAt: images.imageCreatedAt, readAt: images.readAt })
    .from(images)
    .orderBy(desc(images.imageCreatedAt), desc(images.id))
    .all();
  const seen = new Set<string>();
  const out: LookupImage[] = [];
  for (const row of rows) {
    const key = row.ref ?? row.dockerId;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(row);
  }
  return out;
}

/** One image's facts; 404 for an image kobuild has no record of. */
export function loadImageFacts(imageId: number, db: Db = getDb()): ImageFacts {
  const image = db.select({ id: images.id }).from(images).where(eq(images.id, imageId)).get();
  if (!image) throw new DomainError("not_found", `no driver image with id ${imageId}`);
  // The build that made the image knows its BLOCKLIST rules and its workspace's failure groups.
  const producer = db
    .select({ id: builds.id, workspaceId: builds.workspaceId })
    .from(builds)
    .where(and(eq(builds.imageId, imageId), eq(builds.kind, "drivers")))
    .orderBy(desc(builds.id))
    .get();
  const { coverage } = loadCoverage(producer ? { kind: "build", id: producer.id } : { kind: "image", id: imageId }, db);

  const cellOf = cellFinder(coverage);
  const files = new Map<number, DriverFileFact>();
  for (const [kernel, moduleVersion, flavour, path, size, sha256] of db
    .select({ kernel: drivers.kernel, moduleVersion: drivers.moduleVersion, flavour: drivers.flavour, path: drivers.path, size: drivers.size, sha256: drivers.sha256 })
    .from(drivers)
    .where(and(eq(drivers.imageId, imageId), eq(drivers.kind, "driver")))
    .values()) {
    const cell = cellOf(kernel as string, moduleVersion as string, flavour as Flavour);
    if (cell !== undefined) files.set(cell, { path: path as string, size: size as number, sha256: sha256 as string | null });
  }
  const failed = new Map<number, FailureFactDetail>();
  for (const [id, kernel, moduleVersion, flavour, signature] of db
    .select({ id: failures.id, kernel: failures.kernel, moduleVersion: failures.moduleVersion, flavour: failures.flavour, signature: failures.signature })
    .from(failures)
    .where(eq(failures.imageId, imageId))
    .values()) {
    const cell = cellOf(kernel as string, moduleVersion as string, flavour as Flavour);
    if (cell !== undefined) failed.set(cell, { id: id as number, signature: signature as string | null });
  }
  const groups = new Map<string, number>();
  if (producer?.workspaceId != null) {
    for (const g of db.select({ id: failureGroups.id, signature: failureGroups.signature }).from(failureGroups).where(eq(failureGroups.workspaceId, producer.workspaceId)).all()) groups.set(g.signature, g.id);
  }
  const bundleUnames = new Map(
    db
      .select({ kernel: bundles.kernel, uname: bundles.uname })
      .from(bundles)
      .values()
      .map(([kernel, uname]) => [kernel as string, uname as string]),
  );
  return { imageId, coverage, files, failures: failed, groups, bundleUnames };
}

/**
 * Answers checked releases (kernel-release.ts) from `imageId`, or from the
 * newest image when none is given; `moduleVersion` narrows to one module
 * version the image holds (404 otherwise).
 */
export function lookupDrivers(releases: readonly string[], options: { imageId?: number; moduleVersion?: string } = {}, db: Db = getDb()): DriverLookup {
  const choices = listLookupImages(db);
  let image: LookupImage | undefined;
  if (options.imageId !== undefined) {
    image = choices.find((c) => c.id === options.imageId) ?? db.select({ id: images.id, ref: images.ref, dockerId: images.dockerId, createdAt: images.imageCreatedAt, readAt: images.readAt }).from(images).where(eq(images.id, options.imageId)).get();
    if (!image) throw new DomainError("not_found", `no driver image with id ${options.imageId}`);
  } else {
    image = choices[0];
    if (!image) throw new DomainError("not_found", "kobuild has read no driver image yet: build one or inspect one on the Images page");
  }
  const facts = loadImageFacts(image.id, db);
  const moduleVersions = facts.coverage.moduleVersions;
  if (options.moduleVersion !== undefined && !moduleVersions.includes(options.moduleVersion)) {
    throw new DomainError("not_found", `image ${image.id} holds no module version ${options.moduleVersion} (it holds ${moduleVersions.join(", ") || "none"})`);
  }
  const kernels = lookupReleases(facts, releases, options.moduleVersion);
  return { image, images: choices, moduleVersions, moduleVersion: options.moduleVersion ?? null, kernels, summary: summarizeLookup(kernels) };
}
