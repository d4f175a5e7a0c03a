import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { eq } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { bundles } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { BundleError } from "./bundle-error";
import { withBundleLock } from "./bundle-lock";
import { bundlePath } from "./bundle-path";
import type { BundleRow } from "./bundle-row";

/**
 * Removes a bundle's row and file. The file is first renamed aside, so a
 * failing row delete can put it back; once the row is gone the file is.
 * Returns the row as it was.
 */
export function deleteBundle(id: number, options: { db?: Db; dataDir?: string } = {}): Promise<BundleRow> {
  const db = options.db ?? getDb();
  const dataDir = options.dataDir ?? env().dataDir;
  return withBundleLock(async () => {
    const row = db.select().from(bundles).where(eq(bundles.id, id)).get();
    if (!row) throw new BundleError("not_found", `there is no bundle ${id}`);
    const file = bundlePath(row.kernel, dataDir);
    const trashDir = path.join(dataDir, "bundles", ".trash");
    await fs.mkdir(trashDir, { recursive: true, mode: 0o750 });
    const trash = path.join(trashDir, `${randomBytes(8).toString("hex")}-bundle-${row.kernel}.tgz`);
    let moved = false;
    try {
      await fs.rename(file, trash);
      moved = true;
    } catch (error) {
      // A row whose file is already gone must still be deletable.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    try {
      db.delete(bundles).where(eq(bundles.id, id)).run();
    } catch (error) {
      if (moved) await fs.rename(trash, file);
      throw error;
    }
    if (moved) await fs.rm(trash, { force: true });
    return row;
  });
}
