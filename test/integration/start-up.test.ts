import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");

function start(env: Record<string, string>) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-start-"));
  const result = spawnSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/start.ts"], {
    cwd: root,
    env: { ...process.env, KOBUILD_DATA_DIR: dataDir, ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  fs.rmSync(dataDir, { recursive: true, force: true });
  return result;
}

describe("start-up configuration", () => {
  it.each([
    ["KOBUILD_PORT", "not-a-port", /^kobuild: invalid configuration: KOBUILD_PORT must be a whole number \(got "not-a-port"\)$/],
    ["KOBUILD_PORT", "70000", /^kobuild: invalid configuration: KOBUILD_PORT must be between 1 and 65535/],
    ["DOCKER_HOST", "docker.sock", /^kobuild: invalid configuration: DOCKER_HOST must look like/],
    ["KOBUILD_HOST", "a host", /^kobuild: invalid configuration: KOBUILD_HOST must be a host name/],
    ["KOBUILD_MAX_LOG_BYTES", "lots", /^kobuild: invalid configuration: KOBUILD_MAX_LOG_BYTES must be a whole number of bytes \(got "lots"\)$/],
    ["KOBUILD_SESSION_IDLE_MINUTES", "0", /^kobuild: invalid configuration: KOBUILD_SESSION_IDLE_MINUTES must be between 1 and 10080/],
    ["KOBUILD_METRICS_TOKEN", "too-short", /^kobuild: invalid configuration: KOBUILD_METRICS_TOKEN must be 32 to 200 characters .* \(got "\(hidden\)"\)$/],
    ["KOBUILD_LOG_LEVEL", "loud", /^kobuild: invalid configuration: KOBUILD_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(got "loud"\)$/],
    ["KOBUILD_SHUTDOWN_GRACE_SECONDS", "forever", /^kobuild: invalid configuration: KOBUILD_SHUTDOWN_GRACE_SECONDS must be a whole number of seconds \(got "forever"\)$/],
  ])("a bad %s (%s) stops start-up with one line naming it", (name, value, message) => {
    const result = start({ [name]: value });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });
});
