import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const repoRoot = path.resolve(__dirname, "../../..");
/** Toolchain images and bundles are prepared once per machine by the test command; tests share them. */
export const sampleCache = process.env.KOBUILD_CACHE_DIR ?? path.join(repoRoot, "data", "cache");

/**
 * Points this test file's kobuild at a fresh data directory holding the
 * sample workspace. Call at the top of a test file, before lib/ reads its
 * configuration.
 */
export function freshDataDir(label: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `kobuild-${label}-`));
  process.env.KOBUILD_DATA_DIR = dataDir;
  return dataDir;
}

export function makeSampleWorkspace(dataDir: string) {
  execFileSync("bash", [path.join(repoRoot, "scripts", "sample-workspace.sh")], {
    env: { ...process.env, KOBUILD_DATA_DIR: dataDir },
    stdio: "pipe",
  });
  return path.join(dataDir, "workspaces", "sample");
}

export function docker(args: string[], input?: string) {
  return execFileSync("/usr/bin/docker", args, { encoding: "utf8", input, env: { ...process.env, DOCKER_BUILDKIT: "1" } });
}
