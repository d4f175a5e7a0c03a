import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// A real bare repository reached as file://, a real data directory and
// database: registration, fetches, per-build checkouts and removal as the
// builds and Settings use them.
const dataDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-remote-ws-")));
process.env.KOBUILD_DATA_DIR = dataDir;
process.env.KOBUILD_ADMIN_TOKEN = "kbt_not_for_git_" + "x".repeat(32);

const { getDb } = await import("@/lib/db/client");
const { builds } = await import("@/lib/db/schema");
const { git } = await import("./git");
const { registerWorkspace } = await import("./register-workspace");
const { fetchWorkspace } = await import("./fetch-workspace");
const { getWorkspace } = await import("./get-workspace");
const { prepareWorkspaceSource } = await import("./prepare-workspace-source");
const { removeWorkspace } = await import("./change-workspace");
const { describeWorkspaceRefs } = await import("./describe-workspace-refs");
const { resolveBuildBranch } = await import("./resolve-build-branch");

const COMMIT = ["-c", "user.name=kobuild", "-c", "user.email=kobuild@example.invalid", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"];
const bare = path.join(dataDir, "origin", "collector.git");
const work = path.join(dataDir, "origin-work");
const url = `file://${bare}`;

async function commitFile(file: string, content: string, message: string) {
  fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
  fs.writeFileSync(path.join(work, file), content);
  await git(work, ["add", "-A"]);
  await git(work, [...COMMIT, "commit", "-q", "-m", message]);
  return (await git(work, ["rev-parse", "HEAD"])).trim();
}

const push = (...refs: string[]) => git(work, ["push", "-q", "--force", "origin", ...refs]);

/** A build row, so that a per-build checkout belongs to a build as it does when builds run. */
function buildRow(status: "running" | "succeeded" = "running") {
  return getDb().insert(builds).values({ kind: "drivers", status, branch: "main" }).returning({ id: builds.id }).get().id;
}

let mainCommit = "";
let tagCommit = "";

beforeAll(async () => {
  fs.mkdirSync(bare, { recursive: true });
  await git(bare, ["init", "-q", "--bare", "-b", "main"]);
  await git(dataDir, ["init", "-q", "-b", "main", "--", work]);
  await git(work, ["remote", "add", "origin", bare]);
  tagCommit = await commitFile("kernel-modules/MODULE_VERSION", "2.1.0\n", "Driver 2.1.0");
  await git(work, [...COMMIT, "tag", "-a", "-m", "collector 3.10.0", "3.10.0"]);
  await commitFile("kernel-modules/dockerized/Dockerfile", "FROM scratch\n", "Dockerized build");
  mainCommit = await commitFile("kernel-modules/MODULE_VERSION", "2.2.0\n", "Driver 2.2.0");
  await git(work, ["branch", "feature", tagCommit]);
  await push("main", "feature", "3.10.0");
}, 30_000);

afterAll(() => {
  getDb().$client.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("a workspace from a git remote", () => {
  let id = 0;

  it("is cloned into the data directory with the remote's branches and tags, at its default branch", async () => {
    const ws = await registerWorkspace({ name: "collector", url });
    id = ws.id;
    expect(ws).toMatchObject({ kind: "remote", url, defaultBranch: "main", path: path.join(dataDir, "workspaces", "remotes", String(ws.id)), lastFetchError: null });
    expect(ws.lastFetchAt).toBeInstanceOf(Date);
    const refs = await describeWorkspaceRefs(ws.id);
    expect(refs.defaultBranch).toBe("main");
    expect(refs.branches.map((b) => [b.name, b.commit])).toEqual([
      ["main", mainCommit],
      ["feature", tagCommit],
    ]);
    expect(refs.tags.map((t) => t.name)).toEqual(["3.10.0"]);
    expect(refs.moduleVersion).toBe("2.2.0");
    // Nothing was left half-made beside it.
    expect(fs.readdirSync(path.join(dataDir, "workspaces", "remotes"))).toEqual([String(ws.id)]);
  });

  it("refuses the same remote twice, a remote without the Dockerfile, and leaves nothing behind", async () => {
    await expect(registerWorkspace({ name: "again", url })).rejects.toMatchObject({ code: "conflict", message: expect.stringMatching(/already the workspace "collector"/) });
    await expect(registerWorkspace({ name: "other", url: `file://${path.join(dataDir, "no-such.git")}` })).rejects.toMatchObject({
      code: "unprocessable",
      message: expect.stringMatching(/no such repository/),
    });
    const copy = path.join(dataDir, "origin", "copy.git");
    await git(dataDir, ["clone", "-q", "--bare", "--", bare, copy]);
    await expect(registerWorkspace({ name: "other", url: `file://${copy}`, dockerfile: "build/Dockerfile" })).rejects.toMatchObject({
      code: "bad_request",
      message: `no Dockerfile at build/Dockerfile on main, the default branch of file://${copy}`,
    });
    expect(fs.readdirSync(path.join(dataDir, "workspaces", "remotes"))).toEqual([String(id)]);
  });

  it("checks out a build's branch in a directory of its own, with every branch and tag and the remote as origin", async () => {
    const buildId = buildRow();
    const source = await prepareWorkspaceSource(getWorkspace(id), { branch: "feature", checkoutBeforePatching: true, buildId });
    try {
      expect(source).toMatchObject({ dir: path.join(dataDir, "workspaces", "builds", String(buildId)), commit: tagCommit, dirty: false });
      expect((await git(source.dir, ["symbolic-ref", "HEAD"])).trim()).toBe("refs/heads/feature");
      expect(fs.readFileSync(path.join(source.dir, "kernel-modules/MODULE_VERSION"), "utf8")).toBe("2.1.0\n");
      expect((await git(source.dir, ["status", "--porcelain"])).trim()).toBe("");
      expect((await git(source.dir, ["for-each-ref", "--format=%(refname)"])).split("\n").filter(Boolean).sort()).toEqual(["refs/heads/feature", "refs/heads/main", "refs/tags/3.10.0"]);
      expect((await git(source.dir, ["remote", "get-url", "origin"])).trim()).toBe(url);
      // The patcher checks out what it needs inside the build: a release tag, another branch.
      await git(source.dir, ["checkout", "-q", "3.10.0"]);
      await git(source.dir, ["checkout", "-q", "main"]);
      expect(fs.readFileSync(path.join(source.dir, "kernel-modules/MODULE_VERSION"), "utf8")).toBe("2.2.0\n");
      // No path of the dashboard's host leaks into the checkout (it travels into the build).
      expect(fs.existsSync(path.join(source.dir, ".git", "objects", "info", "alternates"))).toBe(false);
    } finally {
      await source.release();
    }
    expect(fs.existsSync(source.dir)).toBe(false);
  });

  it("fetches before a build: a new commit is built, a branch deleted on the remote is gone", async () => {
    const next = await commitFile("kernel-modules/MODULE_VERSION", "2.3.0\n", "Driver 2.3.0");
    await push("main");
    await git(work, ["push", "-q", "origin", "--delete", "feature"]);
    const source = await prepareWorkspaceSource(getWorkspace(id), { branch: "main", checkoutBeforePatching: true, buildId: buildRow() });
    await source.release();
    expect(source.commit).toBe(next);
    const refs = await describeWorkspaceRefs(id);
    expect(refs.branches.map((b) => b.name)).toEqual(["main"]);
    expect(refs.moduleVersion).toBe("2.3.0");
    mainCommit = next;
  });

  it("builds a commit already chosen (a shard's) without fetching, on its branch even if the branch moved", async () => {
    await commitFile("kernel-modules/MODULE_VERSION", "2.4.0\n", "Driver 2.4.0");
    await push("main");
    const source = await prepareWorkspaceSource(getWorkspace(id), { branch: "main", checkoutBeforePatching: true, buildId: buildRow(), commit: mainCommit });
    try {
      expect(source.commit).toBe(mainCommit);
      expect((await git(source.dir, ["rev-parse", "main"])).trim()).toBe(mainCommit);
      // The clone was not fetched: the remote's newer commit is not in it.
      expect((await describeWorkspaceRefs(id)).branches[0]!.commit).toBe(mainCommit);
    } finally {
      await source.release();
    }
  });

  it("learns a branch pushed since the last fetch when a build names it", async () => {
    await git(work, ["push", "-q", "origin", `${tagCommit}:refs/heads/hotfix`]);
    await expect(resolveBuildBranch(getWorkspace(id), "hotfix")).resolves.toBe("hotfix");
    await expect(resolveBuildBranch(getWorkspace(id), "no-such")).rejects.toMatchObject({ code: "not_found" });
    await expect(resolveBuildBranch(getWorkspace(id), undefined)).resolves.toBe("main");
  });

  it("records a failed fetch with its reason, and the next good one clears it", async () => {
    fs.renameSync(bare, `${bare}.away`);
    try {
      await expect(fetchWorkspace(getWorkspace(id))).rejects.toMatchObject({ code: "unprocessable" });
      expect(getWorkspace(id).lastFetchError).toMatch(/^cannot fetch file:\/\/.*: no such repository/);
    } finally {
      fs.renameSync(`${bare}.away`, bare);
    }
    await fetchWorkspace(getWorkspace(id));
    expect(getWorkspace(id).lastFetchError).toBeNull();
  });

  it("removes per-build checkouts that builds which ended left behind", async () => {
    const ended = buildRow("succeeded");
    const left = path.join(dataDir, "workspaces", "builds", String(ended));
    fs.mkdirSync(left, { recursive: true });
    const source = await prepareWorkspaceSource(getWorkspace(id), { branch: "main", checkoutBeforePatching: true, buildId: buildRow() });
    await source.release();
    expect(fs.existsSync(left)).toBe(false);
  });

  it("never hands kobuild's secrets to git", async () => {
    const seen = await git(dataDir, ["-c", "alias.environment=!env", "environment"]);
    expect(seen).toMatch(/^GIT_TERMINAL_PROMPT=0$/m);
    expect(seen).not.toMatch(/KOBUILD_ADMIN_TOKEN|KOBUILD_DATA_DIR/);
  });

  it("is removed with its clone; its finished builds keep its name", async () => {
    const finished = getDb().insert(builds).values({ kind: "drivers", status: "succeeded", branch: "main", workspaceId: id }).returning({ id: builds.id }).get().id;
    const clone = getWorkspace(id).path;
    await removeWorkspace(id);
    expect(fs.existsSync(clone)).toBe(false);
    expect(() => getWorkspace(id)).toThrow(/no workspace/);
    const { eq } = await import("drizzle-orm");
    expect(getDb().select().from(builds).where(eq(builds.id, finished)).get()).toMatchObject({ workspaceId: null, workspaceName: "collector" });
  });
});

describe("a checkout on this machine as a build's source", () => {
  it("is the checkout itself: BRANCH's commit, or HEAD's with its uncommitted changes", async () => {
    const ws = await registerWorkspace({ name: "local", path: work });
    const branch = await prepareWorkspaceSource(ws, { branch: "3.10.0", checkoutBeforePatching: true, buildId: 0 });
    expect(branch).toMatchObject({ dir: work, commit: tagCommit, dirty: false });
    const head = (await git(work, ["rev-parse", "HEAD"])).trim();
    expect(await prepareWorkspaceSource(ws, { branch: "main", checkoutBeforePatching: false, buildId: 0 })).toMatchObject({ commit: head, dirty: false });
    fs.writeFileSync(path.join(work, "scratch.txt"), "uncommitted\n");
    expect(await prepareWorkspaceSource(ws, { branch: "main", checkoutBeforePatching: false, buildId: 0 })).toMatchObject({ commit: head, dirty: true });
    await expect(prepareWorkspaceSource(ws, { branch: "main", checkoutBeforePatching: true, buildId: 0, commit: tagCommit })).rejects.toThrow(/moved in the checkout/);
    await expect(fetchWorkspace(ws)).rejects.toMatchObject({ code: "conflict" });
  });
});
