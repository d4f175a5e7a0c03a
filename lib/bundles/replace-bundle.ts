import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { bundles } from "@/lib/db/schema";
import { BundleError } from "./bundle-error";
import { bundlePath } from "./bundle-path";
import type { BundleRow } from "./bundle-row";

// A bundle for a kernel already stored, with other content: refused unless
// the uploader asks for a replacement, which swaps the stored file and row
// for the new ones. Builds keep the sha256 they sent (build_bundles), so a
// replacement never rewrites what an earlier build used.

/** The kernel is stored with other content; carries both sha256 so the uploader can be told in words. */
export class KernelTakenError extends BundleError {
  constructor(
    readonly kernel: string,
    readonly storedSha256: string,
    readonly sha256: string,
    file: string,
  ) {
    super("duplicate_kernel", `another bundle for kernel ${kernel} is stored (sha256 ${storedSha256}); this file is sha256 ${sha256}: upload it with replace=1 to replace the stored one`, file);
    this.name = "KernelTakenError";
  }

  // Already names its file; a plain BundleError would lose the two sha256.
  override forFile(): BundleError {
    return this;
  }
}

/** What a checked upload says about itself: the row's columns but the id, the kernel and the time. */
export type BundleFields = Omit<BundleRow, "id" | "kernel" | "addedAt">;

/**
 * Swaps the stored bundle of a kernel for a new file that was checked in
 * full: the old file is kept aside under a second name, the new one renamed
 * over it (readers see one or the other, never neither), and the row takes
 * the new content's fields. When the row cannot change, the old file comes
 * back. Runs under the bundle lock, as storing and deleting do.
 */
export async function replaceStoredBundle({ db, dataDir, stored, newFile, fields }: { db: Db; dataDir: string; stored: BundleRow; newFile: string; fields: BundleFields }): Promise<BundleRow> {
  const file = bundlePath(stored.kernel, dataDir);
  const trashDir = path.join(dataDir, "bundles", ".trash");
  await fs.mkdir(trashDir, { recursive: true, mode: 0o750 });
  const kept = path.join(trashDir, `${randomBytes(8).toString("hex")}-bundle-${stored.kernel}.tgz`);
  const hadFile = await keepAside(file, kept);
  try {
    await fs.rename(newFile, file);
  } catch (error) {
    if (hadFile) await fs.rm(kept, { force: true });
    throw error;
  }
  let row: BundleRow | undefined;
  try {
    row = db
      .update(bundles)
      .set({ ...fields, addedAt: new Date() })
      // The row as it was read: the lock keeps it so, and a change would be a bug to stop at.
      .where(and(eq(bundles.id, stored.id), eq(bundles.sha256, stored.sha256)))
      .returning()
      .get();
    if (!row) throw new Error(`the stored bundle ${stored.kernel} changed while it was being replaced`);
  } catch (error) {
    if (hadFile) await fs.rename(kept, file);
    else await fs.rm(file, { force: true });
    throw error;
  }
  if (hadFile) await fs.rm(kept, { force: true });
  return row;
}

/** A second name for the stored file (a hard link, or a copy where links fail); false when there is no file. */
async function keepAside(file: string, kept: string): Promise<boolean> {
  try {
    await fs.link(file, kept);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A row whose file is already gone can still be replaced.
    if (code === "ENOENT") return false;
    if (code !== "EPERM" && code !== "EXDEV" && code !== "ENOTSUP" && code !== "EMLINK") throw error;
  }
  await fs.copyFile(file, kept);
  return true;
}
