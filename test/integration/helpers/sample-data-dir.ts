import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { repoRoot } from "./driver-build";

/**
 * Points this test file's kobuild at a fresh data directory. Call at the top
 * of a test file, before lib/ reads its configuration.
 */
export function freshDataDir(label: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `kobuild-${label}-`));
  process.env.KOBUILD_DATA_DIR = dataDir;
  // Registered first, so it runs after the file's own afterAll hooks (they run in reverse):
  // a whole suite otherwise leaves about 300 MB of databases, bundles and checkouts behind.
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 }));
  return dataDir;
}

/** The sample git workspace, made by the same script `npm run sample` uses. */
export function makeSampleWorkspace(dataDir: string) {
  execFileSync("bash", [path.join(repoRoot, "scripts", "sample-workspace.sh")], {
    env: { ...process.env, KOBUILD_DATA_DIR: dataDir },
    stdio: "pipe",
  });
  return path.join(dataDir, "workspaces", "sample");
}
