import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { repoRoot } from "./helpers/driver-build";

// scripts/sample-kernels.sh against package lists of its own (APT_CONFIG), fed
// by a flat repository this test writes: lists made before the archive
// published a kernel are stale until refreshed. The machine's own lists are
// never read or written.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function stanza(pkg: string) {
  return `Package: ${pkg}\nVersion: 1.0\nArchitecture: amd64\nMaintainer: kobuild test <test@kobuild.invalid>\nFilename: ./${pkg}.deb\nSize: 1\nDescription: test package\n\n`;
}

/** An archive of its own and apt lists that know it as it was when made. */
function archive(packages: string[]) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-apt-"));
  dirs.push(root);
  for (const dir of ["repo", "lists/partial", "cache/archives/partial", "state", "sources.list.d"]) fs.mkdirSync(path.join(root, dir), { recursive: true });
  fs.writeFileSync(path.join(root, "status"), "");
  fs.writeFileSync(path.join(root, "sources.list"), `deb [trusted=yes] copy:${root}/repo ./\n`);
  const config = path.join(root, "apt.conf");
  fs.writeFileSync(
    config,
    [
      `Dir::State "${root}/state";`,
      `Dir::State::Lists "${root}/lists";`,
      `Dir::State::status "${root}/status";`,
      `Dir::Cache "${root}/cache";`,
      `Dir::Etc::SourceList "${root}/sources.list";`,
      `Dir::Etc::SourceParts "${root}/sources.list.d";`,
      `APT::Sandbox::User "root";`,
      "",
    ].join("\n"),
  );
  const publish = (names: string[]) => fs.writeFileSync(path.join(root, "repo", "Packages"), names.map(stanza).join(""));
  publish(packages);
  const env = { ...process.env, APT_CONFIG: config };
  const update = spawnSync("apt-get", ["update", "-q"], { env, encoding: "utf8" });
  expect(update.status, update.stderr).toBe(0);
  return { env, publish };
}

function pick(env: NodeJS.ProcessEnv) {
  return spawnSync("bash", [path.join(repoRoot, "scripts", "sample-kernels.sh")], { env, encoding: "utf8" });
}

function machineLists() {
  const dir = "/var/lib/apt/lists";
  if (!fs.existsSync(dir)) return "";
  return fs
    .readdirSync(dir)
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .map((f) => `${f} ${fs.statSync(path.join(dir, f)).mtimeMs}`)
    .join("\n");
}

const older61 = ["linux-headers-6.1.0-90-amd64", "linux-headers-6.1.0-91-amd64", "linux-headers-6.1.0-91-cloud-amd64"];

describe("the sample's kernels on stale package lists", () => {
  it("refreshes the lists once when they lack a kernel the sample needs, then picks it", () => {
    const before = machineLists();
    const { env, publish } = archive(older61);
    // Debian publishes a 6.12 ABI after the lists were made.
    publish([...older61, "linux-headers-6.12.99+deb12-amd64", "linux-headers-6.12.98+deb12-amd64"]);

    const run = pick(env);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain("apt lists no 6.12 ABI");
    expect(run.stderr).toContain("refreshing the package lists (apt-get update)");
    expect(run.stdout.trim().split("\n")).toEqual(["older 6.1.0-90-amd64", "newest 6.1.0-91-amd64", "flavour 6.1.0-91-cloud-amd64", "series 6.12.99+deb12-amd64"]);
    expect(machineLists()).toBe(before);
  });

  it("does not refresh lists that already have every kernel", () => {
    const { env } = archive([...older61, "linux-headers-6.12.99+deb12-amd64"]);
    const run = pick(env);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toContain("apt-get update");
  });

  it("stops after one refresh, naming what is missing and what to check", () => {
    const { env } = archive(older61);
    const run = pick(env);
    expect(run.status).toBe(1);
    expect(run.stderr.match(/apt-get update\)/g)).toHaveLength(1);
    expect(run.stderr).toContain("apt lists no 6.12 ABI (linux-headers-6.12.N+debNN-amd64); the package lists were refreshed and still lack it");
    expect(run.stdout).toBe("");
  });

  it("takes the rt flavour when the newest 6.1 ABI has no cloud one", () => {
    const { env } = archive(["linux-headers-6.1.0-90-amd64", "linux-headers-6.1.0-91-amd64", "linux-headers-6.1.0-91-rt-amd64", "linux-headers-6.1.0-90-cloud-amd64", "linux-headers-6.12.99+deb12-amd64"]);
    const run = pick(env);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("flavour 6.1.0-91-rt-amd64\n");
  });
});
