import "server-only";
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { bundles } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { bundlePath } from "./bundle-path";

/**
 * At start-up, before any upload or delete runs: what a crash left of them.
 * An upload's `.incoming/*.part` never became a bundle and goes. A file in
 * `.trash` whose bundle row is still there was being deleted when the row
 * delete did not happen: it goes back; any other is removed. Returns what was
 * done, for the start-up log.
 */
export function cleanBundleLeftovers(dataDir = env().dataDir, db: Db = getDb()) {
  const done = { parts: 0, restored: 0, trashed: 0 };
  const incoming = path.join(dataDir, "bundles", ".incoming");
  for (const name of listDir(incoming)) {
    if (!name.endsWith(".part")) continue;
    fs.rmSync(path.join(incoming, name), { force: true });
    done.parts += 1;
  }
  const trash = path.join(dataDir, "bundles", ".trash");
  for (const name of listDir(trash)) {
    const file = path.join(trash, name);
    const kernel = /^[0-9a-f]{16}-bundle-(.+)\.tgz$/.exec(name)?.[1];
    const row = kernel ? db.select({ id: bundles.id }).from(bundles).where(eq(bundles.kernel, kernel)).get() : undefined;
    const home = row && kernel ? bundlePath(kernel, dataDir) : null;
    if (home && !fs.existsSync(home)) {
      fs.renameSync(file, home);
      done.restored += 1;
    } else {
      fs.rmSync(file, { force: true });
      done.trashed += 1;
    }
  }
  return done;
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}
