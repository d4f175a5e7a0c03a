import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { bundles, failures, tasks } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import type { FailuresFilter } from "./coverage-schemas";
import { failureSignature } from "@/lib/driver-images/failure-signature";
import { groupFailures, type FailureEntry } from "./group-failures";
import { kernelFamily } from "./kernel-family";
import { bundleDistros, loadImageSubject, loadSubject, type CoverageSubjectRef } from "./load-coverage";

/**
 * Signs the failures of an image stored without a signature (read before
 * kobuild signed them), once: the signature is kept.
 */
export function signMissing(db: Db, imageId: number) {
  const unsigned = db
    .select({ id: failures.id, kernel: failures.kernel, moduleVersion: failures.moduleVersion, log: failures.log })
    .from(failures)
    .where(and(eq(failures.imageId, imageId), isNull(failures.signature)))
    .all();
  if (unsigned.length === 0) return;
  const unames = new Map(db.select({ kernel: bundles.kernel, uname: bundles.uname }).from(bundles).all().map((b) => [b.kernel, b.uname]));
  db.transaction((tx) => {
    for (const f of unsigned) {
      const signature = failureSignature(f.log, { kernel: f.kernel, uname: unames.get(f.kernel), moduleVersion: f.moduleVersion });
      // An empty log has no signature: it stays null and costs nothing to look at again.
      if (signature) tx.update(failures).set({ signature: signature.signature }).where(eq(failures.id, f.id)).run();
    }
  });
}

/** The failure logs of a build's image or of an image, grouped by signature, after the filters. */
export function listFailuresView(ref: CoverageSubjectRef, filter: FailuresFilter = {}, db: Db = getDb()) {
  const subject = loadSubject(ref, db);
  const imageId = subject.kind === "image" ? subject.id : (subject.image?.id ?? null);
  let entries: FailureEntry[] = [];
  if (imageId !== null) {
    signMissing(db, imageId);
    const distros = bundleDistros(db);
    // A log of a task this build blocklisted came with an image it was merged onto (a re-run after a BLOCKLIST fix): not this build's failure, as its grid says.
    const blocklisted = new Set(
      subject.kind === "build"
        ? db
            .select({ kernel: tasks.kernel, moduleVersion: tasks.moduleVersion, flavour: tasks.flavour })
            .from(tasks)
            .where(and(eq(tasks.buildId, subject.id), eq(tasks.state, "blocklisted")))
            .all()
            .map((t) => `${t.kernel} ${t.moduleVersion} ${t.flavour}`)
        : [],
    );
    entries = db
      .select({ id: failures.id, kernel: failures.kernel, moduleVersion: failures.moduleVersion, flavour: failures.flavour, signature: failures.signature })
      .from(failures)
      .where(eq(failures.imageId, imageId))
      .all()
      .filter((f) => !blocklisted.has(`${f.kernel} ${f.moduleVersion} ${f.flavour}`))
      .map((f) => ({ ...f, family: kernelFamily(f.kernel, distros.get(f.kernel)) }))
      .filter((f) => (!filter.flavour || f.flavour === filter.flavour) && (!filter.moduleVersion || f.moduleVersion === filter.moduleVersion) && (!filter.distro || f.family === filter.distro));
  }
  return { subject, filter, total: entries.length, groups: groupFailures(entries) };
}

export type FailuresView = ReturnType<typeof listFailuresView>;

/** One failure with its whole log, the line its signature comes from, and where it belongs. */
export function getFailureView(id: number, db: Db = getDb()) {
  const row = db.select().from(failures).where(eq(failures.id, id)).get();
  if (!row) throw new DomainError("not_found", `no failure with id ${id}`);
  const bundle = db.select({ uname: bundles.uname, distro: bundles.distro }).from(bundles).where(eq(bundles.kernel, row.kernel)).get();
  const found = failureSignature(row.log, { kernel: row.kernel, uname: bundle?.uname, moduleVersion: row.moduleVersion });
  const image = loadImageSubject(row.imageId, db);
  return {
    id: row.id,
    image: { id: image.id, ref: image.ref },
    builds: image.builds,
    kernel: row.kernel,
    family: kernelFamily(row.kernel, bundle?.distro),
    moduleVersion: row.moduleVersion,
    flavour: row.flavour,
    path: row.path,
    signature: row.signature ?? found?.signature ?? null,
    line: found?.line ?? null,
    source: found?.source ?? null,
    log: row.log,
  };
}

export type FailureView = ReturnType<typeof getFailureView>;
