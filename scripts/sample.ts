// Prepares the sample for the data directory in KOBUILD_DATA_DIR: toolchain
// images, header bundles (built from Debian's packages, cached), the sample
// git workspace, registered in kobuild, and the bundles added to its store.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { loadEnvOrExit } from "../lib/env";
import { importSample } from "../lib/workspace/import-sample";

async function main() {
  const { dataDir } = loadEnvOrExit();
  const root = path.resolve(__dirname, "..");
  const cacheDir = process.env.KOBUILD_CACHE_DIR ?? path.join(dataDir, "cache");
  const env = { ...process.env, KOBUILD_DATA_DIR: dataDir, KOBUILD_CACHE_DIR: cacheDir };
  for (const script of ["toolchain-images.sh", "sample-bundles.sh", "sample-workspace.sh"]) {
    execFileSync("bash", [path.join(root, "scripts", script)], { stdio: "inherit", env });
  }
  const { workspace, bundles } = await importSample({
    workspacePath: path.join(dataDir, "workspaces", "sample"),
    bundleDir: path.join(cacheDir, "bundles"),
  });
  console.log(`sample: workspace "${workspace.name}" (id ${workspace.id}) at ${workspace.path}`);
  for (const b of bundles) console.log(`sample: bundle ${b.kernel} ${b.duplicate ? "already stored" : "added"}`);
}

main().catch((error: unknown) => {
  console.error(`sample: ${(error as Error).message}`);
  process.exit(1);
});
