import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDb } from "@/lib/db/client";
import { parseBlocklist } from "./blocklist";
import { listRefs } from "./list-refs";
import { readWorkspaceFiles } from "./read-workspace-files";
import { DEFAULT_DOCKERFILE, registerWorkspace } from "./register-workspace";

// The sample workspace scripts/sample-workspace.sh makes (tags from
// RELEASED_VERSIONS, master, another branch). Skipped until it exists.
const sample = path.resolve(__dirname, "../../data/workspaces/sample");
const present = fs.existsSync(path.join(sample, ".git"));

describe.skipIf(!present)("the sample workspace", () => {
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

  it.skipIf(!fs.existsSync(path.join(sample, DEFAULT_DOCKERFILE)))("registers as a workspace", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-sample-"));
    const db = openDb(tmp);
    try {
      await expect(registerWorkspace({ name: "sample", path: sample }, db)).resolves.toMatchObject({ name: "sample", path: fs.realpathSync(sample) });
    } finally {
      db.$client.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
