import "server-only";
import { and, desc, eq, exists, inArray, lte, ne, sql } from "drizzle-orm";
import { buildOptionsView } from "@/lib/build-options";
import { getDb, type Db } from "@/lib/db/client";
import { buildBundles, builds, bundles, drivers, failures, images, tasks, workspaces } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import { buildCoverage, type Coverage, type DriverFact, type FailureFact, type TaskFact } from "./coverage-model";
import { ENDED_BUILD_STATUSES } from "@/lib/vocabulary";

// Loads what a coverage is made of, for a build (its tasks, its bundles, its
// image's files) or for an image on its own (its files).

export type CoverageSubjectRef = { kind: "build" | "image"; id: number };

export type BuildSubject = {
  kind: "build";
  id: number;
  status: (typeof builds.$inferSelect)["status"];
  branch: string | null;
  /** The commit the build built, and whether its sources had changes not in it. */
  commit: string | null;
  commitDirty: boolean | null;
  workspace: { id: number | null; name: string } | null;
  image: { id: number; ref: string | null; dockerId: string } | null;
  createdAt: Date;
  finishedAt: Date | null;
};

export type ImageSubject = {
  kind: "image";
  id: number;
  ref: string | null;
  dockerId: string;
  readAt: Date | null;
  /** The builds that made this image. */
  builds: number[];
};

export type CoverageSubject = BuildSubject | ImageSubject;

export function loadBuildSubject(id: number, db: Db = getDb()): BuildSubject {
  const row = db
    .select({ build: builds, workspace: { id: workspaces.id, name: workspaces.name }, image: { id: images.id, ref: images.ref, dockerId: images.dockerId } })
    .from(builds)
    .leftJoin(workspaces, eq(workspaces.id, builds.workspaceId))
    .leftJoin(images, eq(images.id, builds.imageId))
    .where(eq(builds.id, id))
    .get();
  if (!row) throw new DomainError("not_found", `no build with id ${id}`);
  const b = row.build;
  return {
    kind: "build",
    id: b.id,
    status: b.status,
    branch: b.branch,
    commit: b.commit,
    commitDirty: b.commitDirty,
    workspace: row.workspace?.id ? row.workspace : b.workspaceName ? { id: null, name: b.workspaceName } : null,
    image: row.image?.id ? row.image : null,
    createdAt: b.createdAt,
    finishedAt: b.finishedAt,
  };
}

export function loadImageSubject(id: number, db: Db = getDb()): ImageSubject {
  const image = db.select().from(images).where(eq(images.id, id)).get();
  if (!image) throw new DomainError("not_found", `no image with id ${id}`);
  const made = db.select({ id: builds.id }).from(builds).where(eq(builds.imageId, id)).orderBy(builds.id).all();
  return { kind: "image", id: image.id, ref: image.ref, dockerId: image.dockerId, readAt: image.readAt, builds: made.map((b) => b.id) };
}

export function loadSubject(ref: CoverageSubjectRef, db: Db = getDb()): CoverageSubject {
  return ref.kind === "build" ? loadBuildSubject(ref.id, db) : loadImageSubject(ref.id, db);
}

// The big reads (one row per driver, failure or task: tens of thousands)
// take rows as arrays: drizzle's mapping to objects would double their cost.

function imageFiles(db: Db, imageId: number | null): { drivers: DriverFact[]; failures: FailureFact[] } {
  if (imageId === null) return { drivers: [], failures: [] };
  return {
    drivers: db
      .select({ kernel: drivers.kernel, moduleVersion: drivers.moduleVersion, flavour: drivers.flavour, kind: drivers.kind })
      .from(drivers)
      .where(eq(drivers.imageId, imageId))
      .values()
      .map(([kernel, moduleVersion, flavour, kind]) => ({ kernel, moduleVersion, flavour, kind }) as DriverFact),
    failures: db
      .select({ id: failures.id, kernel: failures.kernel, moduleVersion: failures.moduleVersion, flavour: failures.flavour })
      .from(failures)
      .where(eq(failures.imageId, imageId))
      .values()
      .map(([id, kernel, moduleVersion, flavour]) => ({ id, kernel, moduleVersion, flavour }) as FailureFact),
  };
}

/** BUNDLE_DISTRO of every stored bundle, by kernel. */
export function bundleDistros(db: Db = getDb()): Map<string, string> {
  return new Map(db.select({ kernel: bundles.kernel, distro: bundles.distro }).from(bundles).all().map((b) => [b.kernel, b.distro]));
}

/**
 * The kernels a build was given: its chosen bundles, or every bundle stored
 * when it started (when it was queued, for one that has not). A build from
 * KERNEL_VERSIONS takes its kernels from the file: its tasks list them.
 */
function buildBundleKernels(db: Db, build: typeof builds.$inferSelect): string[] {
  const options = buildOptionsView(build.options);
  if (options.useKernelsFile) return [];
  // What the build recorded sending, once it started; before that, what it will send.
  const sent = db.select({ kernel: buildBundles.kernel }).from(buildBundles).where(eq(buildBundles.buildId, build.id)).all();
  if (sent.length > 0) return sent.map((b) => b.kernel);
  const query = db.select({ kernel: bundles.kernel }).from(bundles);
  if (Array.isArray(options.bundleIds)) return options.bundleIds.length ? query.where(inArray(bundles.id, options.bundleIds)).all().map((b) => b.kernel) : [];
  return query
    .where(lte(bundles.addedAt, build.startedAt ?? new Date()))
    .all()
    .map((b) => b.kernel);
}

function taskRowsOf(db: Db, buildId: number): TaskFact[] {
  return db
    .select({
      kernel: tasks.kernel,
      moduleVersion: tasks.moduleVersion,
      flavour: tasks.flavour,
      state: tasks.state,
      blocklistFile: tasks.blocklistFile,
      blocklistLine: tasks.blocklistLine,
      blocklistRule: tasks.blocklistRule,
    })
    .from(tasks)
    .where(eq(tasks.buildId, buildId))
    .values()
    .map(([kernel, moduleVersion, flavour, state, blocklistFile, blocklistLine, blocklistRule]) => ({ kernel, moduleVersion, flavour, state, blocklistFile, blocklistLine, blocklistRule }) as TaskFact);
}

/**
 * The tasks that explain a build's image. When the engine reused every stage
 * from its cache, nothing was printed and the build has no task rows; an
 * earlier build that made the very same image (same image id) printed them.
 * Without such a build the tasks are unknown (null) and the cells show only
 * what the image holds.
 */
function tasksFor(db: Db, subject: BuildSubject) {
  const own = taskRowsOf(db, subject.id);
  if (own.length > 0 || subject.image === null) return { tasks: own, tasksOf: subject.id as number | null };
  const twin = db
    .select({ id: builds.id })
    .from(builds)
    .innerJoin(images, eq(images.id, builds.imageId))
    .where(and(eq(images.dockerId, subject.image.dockerId), ne(builds.id, subject.id), exists(db.select({ one: sql`1` }).from(tasks).where(eq(tasks.buildId, builds.id)))))
    .orderBy(desc(builds.id))
    .get();
  if (twin) return { tasks: taskRowsOf(db, twin.id), tasksOf: twin.id as number | null };
  return { tasks: null, tasksOf: null };
}

export function loadBuildCoverage(id: number, db: Db = getDb()): { subject: BuildSubject; coverage: Coverage; tasksOf: number | null } {
  const subject = loadBuildSubject(id, db);
  const build = db.select().from(builds).where(eq(builds.id, id)).get()!;
  const { tasks: taskRows, tasksOf } = tasksFor(db, subject);
  const files = imageFiles(db, subject.image?.id ?? null);
  const coverage = buildCoverage({
    tasks: taskRows,
    hasImage: subject.image !== null,
    drivers: files.drivers,
    failures: files.failures,
    kernels: buildBundleKernels(db, build),
    distros: bundleDistros(db),
  });
  return { subject, coverage, tasksOf };
}

export function loadImageCoverage(id: number, db: Db = getDb()): { subject: ImageSubject; coverage: Coverage; tasksOf: null } {
  const subject = loadImageSubject(id, db);
  const files = imageFiles(db, id);
  return { subject, coverage: buildCoverage({ tasks: null, hasImage: true, drivers: files.drivers, failures: files.failures, distros: bundleDistros(db) }), tasksOf: null };
}

type LoadedCoverage = ReturnType<typeof loadBuildCoverage> | ReturnType<typeof loadImageCoverage>;

// A finished build's coverage and an image's never change once read, but a
// full one takes ~100k rows to assemble: the last few are kept. The key
// holds what could still change them: the build's state and image, and the
// stored bundles (their distros name the families).
const remembered = new Map<string, LoadedCoverage>();
const REMEMBERED = 8;
const ENDED = new Set<string>(ENDED_BUILD_STATUSES);

function rememberKey(ref: CoverageSubjectRef, db: Db): string | null {
  const bundleState = db.get<{ n: number; last: number | null }>(sql`SELECT count(*) AS n, max(${bundles.id}) AS last FROM ${bundles}`);
  if (ref.kind === "image") return `image:${ref.id}:${bundleState.n}:${bundleState.last}`;
  const build = db.select({ status: builds.status, imageId: builds.imageId }).from(builds).where(eq(builds.id, ref.id)).get();
  if (!build || !ENDED.has(build.status)) return null;
  return `build:${ref.id}:${build.status}:${build.imageId}:${bundleState.n}:${bundleState.last}`;
}

export function loadCoverage(ref: CoverageSubjectRef, db: Db = getDb()): LoadedCoverage {
  const key = rememberKey(ref, db);
  const known = key ? remembered.get(key) : undefined;
  if (known) return known;
  const loaded = ref.kind === "build" ? loadBuildCoverage(ref.id, db) : loadImageCoverage(ref.id, db);
  if (key) {
    remembered.set(key, loaded);
    if (remembered.size > REMEMBERED) remembered.delete(remembered.keys().next().value!);
  }
  return loaded;
}
