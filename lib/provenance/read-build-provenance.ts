import "server-only";
import { createHash } from "node:crypto";
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { buildBundles, buildInputs, builds, drivers, engines, workspaces } from "@/lib/db/schema";
import { buildOptionsSchema } from "@/lib/build-options";
import { DomainError } from "@/lib/domain-error";
import { env } from "@/lib/env";
import { instanceId } from "@/lib/system/instance-id";
import packageJson from "@/package.json";
import { provenanceStatement, type ProvenanceRecord, type ProvenanceStatement } from "./provenance-statement";

export type BuildRow = typeof builds.$inferSelect;

/** A finished build that made an image, or why it has no provenance. */
export function buildWithImage(db: Db, id: number): BuildRow & { imageId: number } {
  const build = db.select().from(builds).where(eq(builds.id, id)).get();
  if (!build) throw new DomainError("not_found", `no build with id ${id}`);
  if (build.imageId === null) {
    const why = build.status === "succeeded" ? "it made no image of its own (a target stage, or a shard merged into its sharded build)" : `it ${build.status === "queued" || build.status === "running" ? "has not ended" : `ended ${build.status}`}`;
    throw new DomainError("conflict", `build ${id} has no provenance: ${why}`);
  }
  return build as BuildRow & { imageId: number };
}

/** `GET /api/builds/:id/provenance`: the statement of a build that made an image. */
export function getBuildProvenance(id: number, db: Db = getDb()): ProvenanceStatement {
  return buildProvenance(db, buildWithImage(db, id));
}

/** The files of an image kobuild recorded with their sha256: the statement's subjects. */
export function imageSubjects(db: Db, imageId: number) {
  return db
    .select({ path: drivers.path, sha256: drivers.sha256 })
    .from(drivers)
    .where(and(eq(drivers.imageId, imageId), eq(drivers.kind, "driver"), isNotNull(drivers.sha256)))
    .orderBy(drivers.path)
    .all() as { path: string; sha256: string }[];
}

/** The build's statement, with the given subjects (its image's driver files unless told otherwise). */
export function buildProvenance(db: Db, build: BuildRow, subjects?: { path: string; sha256: string }[]): ProvenanceStatement {
  return provenanceStatement(buildRecord(db, build, subjects ?? (build.imageId === null ? [] : imageSubjects(db, build.imageId))));
}

function buildRecord(db: Db, build: BuildRow, subjects: { path: string; sha256: string }[]): ProvenanceRecord {
  // A sharded build's drivers were compiled by its shards: their bundles and images are its inputs.
  const contributors = [build.id, ...db.select({ id: builds.id }).from(builds).where(and(eq(builds.parentId, build.id), eq(builds.status, "succeeded"))).all().map((r) => r.id)];
  const bundleRows = db.select().from(buildBundles).where(inArray(buildBundles.buildId, contributors)).orderBy(buildBundles.kernel).all();
  const imageRows = db.select().from(buildInputs).where(inArray(buildInputs.buildId, contributors)).orderBy(buildInputs.role, buildInputs.ref).all();
  const engineId = build.engineId ?? "default";
  const engine = db.select({ name: engines.name, url: engines.url }).from(engines).where(eq(engines.id, engineId)).get();
  const parsed = buildOptionsSchema.safeParse(build.options);
  const options: Record<string, unknown> = parsed.success ? { ...parsed.data } : {};
  const dockerfileText = typeof options.dockerfile === "string" ? options.dockerfile : null;
  // The Dockerfile's text is a dependency (by digest), not a parameter.
  delete options.dockerfile;

  const source = sourceOf(db, build);
  const workspaceName = source?.workspace ?? workspaceNameOf(db, build);
  return {
    build: {
      id: build.id,
      kind: build.kind,
      status: build.status,
      parameters: { ...(workspaceName ? { workspace: workspaceName } : {}), ...options, ...(build.target ? { target: build.target } : {}) },
      builder: build.builder,
      engine: { id: engineId, name: engine?.name ?? engineId },
      startedAt: build.startedAt,
      finishedAt: build.finishedAt,
      pageUrl: `${env().publicUrl.replace(/\/$/, "")}/builds/${build.id}`,
    },
    source,
    subjects,
    bundles: dedupe(bundleRows, (b) => `${b.kernel}|${b.sha256}`),
    images: dedupe(imageRows, (i) => `${i.role}|${i.ref}|${i.dockerId}`),
    dockerfile: dockerfileText ? { name: dockerfileName(build.kind), sha256: createHash("sha256").update(dockerfileText).digest("hex") } : null,
    installation: { id: instanceId(), version: packageJson.version },
  };
}

function sourceOf(db: Db, build: BuildRow): ProvenanceRecord["source"] {
  if (build.workspaceId === null || !build.commit) return null;
  const workspace = db.select({ name: workspaces.name, path: workspaces.path, url: workspaces.url }).from(workspaces).where(eq(workspaces.id, build.workspaceId)).get();
  const name = workspace?.name ?? build.workspaceName ?? `workspace ${build.workspaceId}`;
  const uri = workspace?.url ?? (workspace ? `file://${workspace.path}` : `urn:kobuild:workspace:${build.workspaceId}`);
  return { workspace: name, uri, ref: build.branch, commit: build.commit, dirty: Boolean(build.commitDirty) };
}

function workspaceNameOf(db: Db, build: BuildRow): string | null {
  if (build.workspaceId === null) return build.workspaceName;
  return db.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, build.workspaceId)).get()?.name ?? build.workspaceName;
}

function dockerfileName(kind: string) {
  return kind === "merge" ? "Dockerfile.merge" : kind === "squash" ? "Dockerfile.squash" : kind === "collector" ? "Dockerfile.collector" : "Dockerfile";
}

function dedupe<T>(rows: T[], key: (row: T) => string): T[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    const k = key(row);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
