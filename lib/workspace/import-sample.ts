import "server-only";
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { type Db, getDb } from "@/lib/db/client";
import { workspaces } from "@/lib/db/schema";
import { storeBundle } from "@/lib/bundles/store-bundle";
import { registerWorkspace } from "./register-workspace";

export const SAMPLE_WORKSPACE = "sample";
const SAMPLE_BUNDLE_MAX_BYTES = 256 * 1024 * 1024;
// The sample's build fetches nothing: it runs on engines without any network as well.
const SAMPLE_NETWORK = "none";

/**
 * Registers the sample checkout as the workspace "sample" (once) and adds the
 * sample bundles to the bundle store exactly as an upload would, so the sample
 * goes through the same validation as a user's bundles.
 */
export async function importSample({ workspacePath, bundleDir, db = getDb(), dataDir }: { workspacePath: string; bundleDir: string; db?: Db; dataDir?: string }) {
  const root = fs.realpathSync(workspacePath);
  const workspace =
    db.select().from(workspaces).where(eq(workspaces.path, root)).get() ?? (await registerWorkspace({ name: SAMPLE_WORKSPACE, path: root, network: SAMPLE_NETWORK }, db));
  const files = fs
    .readdirSync(bundleDir)
    .filter((f) => /^bundle-.+\.tgz$/.test(f))
    .sort();
  const bundles = [];
  for (const fileName of files) {
    const { bundle, duplicate } = await storeBundle({
      fileName,
      source: fs.createReadStream(path.join(bundleDir, fileName)),
      maxBytes: SAMPLE_BUNDLE_MAX_BYTES,
      db,
      dataDir,
    });
    bundles.push({ id: bundle.id, kernel: bundle.kernel, duplicate });
  }
  return { workspace, bundles };
}
