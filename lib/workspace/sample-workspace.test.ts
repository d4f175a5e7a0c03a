import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "@/lib/db/client";
import { parseBlocklist } from "./blocklist";
import { listRefs } from "./list-refs";
import { readWorkspaceFiles } from "./read-workspace-files";
import { DEFAULT_DOCKERFILE, registerWorkspace } from "./register-workspace";

// The sample workspace as scripts/sample-workspace.sh makes it (tags from
// RELEASED_VERSIONS, master, another branch), made here in a data directory
// of this test's own.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-sample-workspace-"));
const sample = path.join(dataDir, "workspaces", "sample");

beforeAll(() => {
  execFileSync("bash", [path.resolve(__dirname, "../../scripts/sample-workspace.sh")], { env: { ...process.env, KOBUILD_DATA_DIR: dataDir }, stdio: "pipe" });
});

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe("the sample workspace", () => {
  it("has master, another branch, and a tag for every released collector version", async () => {
    const [refs, files] = await Promise.all([listRefs(sample), readWorkspaceFiles(sample, "master")]);
    expect(refs.branches.map((b) => b.name)).toContain("master");
    expect(refs.branches.length).toBeGreaterThanOrEqual(2);
    expect(refs.head === null || refs.branches[0]?.name === refs.head).toBe(true);
    expect(files.releasedVersions?.length).toBeGreaterThan(0);
    const tagNames = refs.tags.map((t) => t.name);
    for (const v of files.releasedVersions ?? []) expect(tagNames).toContain(v);
    for (const r of files.released) expect(r).toMatchObject({ status: "ok", moduleVersion: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(files.releasedModuleVersions.length).toBeGreaterThan(0);
    expect(new Set(files.releasedModuleVersions).size).toBe(files.releasedModuleVersions.length);
  });

  it("has the build's input files, and a BLOCKLIST whose rules all parse", async () => {
    const files = await readWorkspaceFiles(sample, "master");
    expect(files.moduleVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(files.kernelVersions?.length).toBeGreaterThan(0);
    const rules = parseBlocklist((files.blocklist ?? []).join("\n"));
    expect(rules.filter((r) => r.error !== null)).toEqual([]);
  });

  it("registers as a workspace with the default Dockerfile", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-sample-"));
    const db = openDb(tmp);
    try {
      await expect(registerWorkspace({ name: "sample", path: sample }, db)).resolves.toMatchObject({ name: "sample", path: fs.realpathSync(sample), dockerfile: DEFAULT_DOCKERFILE });
    } finally {
      db.$client.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
