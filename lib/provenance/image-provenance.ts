import "server-only";
import { and, desc, eq, isNotNull } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { buildInputs, images } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import { producingBuild } from "./producing-build";
import type { ProvenanceStatement } from "./provenance-statement";
import { buildProvenance, imageSubjects } from "./read-build-provenance";

/** Inputs of inputs, at most this deep: a chain of merges longer than this is cut, not followed forever. */
const MAX_DEPTH = 16;

/**
 * Every statement behind an image's drivers: the build that made it, and for
 * a merge, squash or collector image, the builds that made its inputs, each
 * with the subjects of this image that came from it (matched by sha256, so a
 * driver moved to another path by an operation is still found).
 */
export function imageProvenance(imageId: number, db: Db = getDb()): ProvenanceStatement[] {
  const image = db.select({ id: images.id }).from(images).where(eq(images.id, imageId)).get();
  if (!image) throw new DomainError("not_found", `no image with id ${imageId}`);
  const producer = producingBuild(db, imageId);
  if (!producer) throw new DomainError("conflict", `image ${imageId} was not made by a build of this kobuild (it was only read), so it has no provenance here`);
  const subjects = imageSubjects(db, imageId);
  const statements: ProvenanceStatement[] = [];
  const seen = new Set<number>();
  collect(db, producer, subjects, statements, seen, 0);
  return statements;
}

function collect(db: Db, build: NonNullable<ReturnType<typeof producingBuild>>, wanted: { path: string; sha256: string }[], out: ProvenanceStatement[], seen: Set<number>, depth: number) {
  if (seen.has(build.id) || wanted.length === 0) return;
  seen.add(build.id);
  out.push(buildProvenance(db, build, wanted));
  if (depth >= MAX_DEPTH) return;
  // An operation's drivers were made by the builds of its inputs; a driver build's cached ones by the cache's.
  const role = build.kind === "drivers" || build.kind === "reproduce" ? "cache" : "input";
  const inputs = db
    .select({ imageRecordId: buildInputs.imageRecordId, dockerId: buildInputs.dockerId })
    .from(buildInputs)
    .where(and(eq(buildInputs.buildId, build.id), eq(buildInputs.role, role)))
    .all();
  for (const input of inputs) {
    const recordId = input.imageRecordId ?? (input.dockerId ? recordOf(db, input.dockerId) : null);
    if (recordId === null) continue;
    const inputProducer = producingBuild(db, recordId);
    if (!inputProducer) continue;
    const held = new Set(imageSubjects(db, recordId).map((s) => s.sha256));
    collect(db, inputProducer, wanted.filter((s) => held.has(s.sha256)), out, seen, depth + 1);
  }
}

/** The newest record kobuild read of an engine's image id. */
function recordOf(db: Db, dockerId: string): number | null {
  return db.select({ id: images.id }).from(images).where(and(eq(images.dockerId, dockerId), isNotNull(images.readAt))).orderBy(desc(images.id)).get()?.id ?? null;
}
