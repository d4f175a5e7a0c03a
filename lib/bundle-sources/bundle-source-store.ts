import "server-only";
import fs from "node:fs";
import { eq } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { bundleSources } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import type { CreateBundleSourceBody } from "./bundle-source-schemas";

export type BundleSourceRow = typeof bundleSources.$inferSelect;

/** Adds a source; a directory must be there and readable now, so a typo is said at once rather than at the first poll. */
export function addBundleSource(body: CreateBundleSourceBody, createdBy: string | null, db: Db = getDb()): BundleSourceRow {
  if (body.kind === "directory") {
    let isDirectory = false;
    try {
      fs.accessSync(body.location, fs.constants.R_OK | fs.constants.X_OK);
      isDirectory = fs.statSync(body.location).isDirectory();
    } catch {
      // Said below.
    }
    if (!isDirectory) throw new DomainError("unprocessable", `${body.location} is not a directory kobuild can read`);
  }
  if (db.select({ id: bundleSources.id }).from(bundleSources).where(eq(bundleSources.location, body.location)).get()) {
    throw new DomainError("conflict", `${body.location} is a bundle source already`);
  }
  try {
    return db.insert(bundleSources).values({ kind: body.kind, location: body.location, pollMinutes: body.pollMinutes, createdBy }).returning().get();
  } catch (error) {
    if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") throw new DomainError("conflict", `${body.location} was added as a bundle source meanwhile`);
    throw error;
  }
}

export function listBundleSources(db: Db = getDb()): BundleSourceRow[] {
  return db.select().from(bundleSources).orderBy(bundleSources.id).all();
}

export function getBundleSource(id: number, db: Db = getDb()): BundleSourceRow {
  const row = db.select().from(bundleSources).where(eq(bundleSources.id, id)).get();
  if (!row) throw new DomainError("not_found", `no bundle source ${id}`);
  return row;
}

/** Forgets a source; the bundles it brought stay. */
export function removeBundleSource(id: number, db: Db = getDb()): BundleSourceRow {
  const row = getBundleSource(id, db);
  db.delete(bundleSources).where(eq(bundleSources.id, id)).run();
  return row;
}
