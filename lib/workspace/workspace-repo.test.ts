import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "@/lib/domain-error";
import { git, GitError, readBlobs, resolveCommit } from "./git";
import { listRefs } from "./list-refs";
import { parseKernelVersions, parseReleasedVersions, readWorkspaceFiles } from "./read-workspace-files";

// A real repository laid out like the driver repository, with fixed dates so
// that orders are known:
//
//   c0 2021-11-02  no kernel-modules yet                       tag 3.7.0
//   c1 2022-01-10  MODULE_VERSION 2.0.1                        tag 3.9.0 (annotated), branch old-fix
//   c2 2022-03-01  MODULE_VERSION 2.1.0                        tags 3.10.0, 3.11.0-rc1
//   c3 2022-05-02  MODULE_VERSION 2.1.0, BLOCKLIST             tags 3.11.0 (annotated, newer date), nightly-2022
//   c4 2022-06-01  MODULE_VERSION 2.2.0, RELEASED_VERSIONS     master (HEAD)
//   c5 2022-07-04  on c3: a bpf change                         branch bpf-ringbuf

let repo: string;
const commits: Record<string, string> = {};

async function commit(key: string, date: string, subject: string, files: Record<string, string | null>) {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(repo, name);
    if (content === null) {
      await fs.rm(file, { force: true });
    } else {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, content);
    }
  }
  const env = { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  await git(repo, ["add", "-A"]);
  await git(repo, ["-c", "user.name=kobuild", "-c", "user.email=kobuild@example.invalid", "-c", "commit.gpgsign=false", "commit", "-q", "--allow-empty", "-m", subject], { env });
  commits[key] = (await git(repo, ["rev-parse", "HEAD"])).trim();
}

async function tag(name: string, target: string, message?: string, date = "2022-12-01T00:00:00Z") {
  const args = message ? ["tag", "-a", "-m", message, name, target] : ["tag", name, target];
  await git(repo, ["-c", "user.name=kobuild", "-c", "user.email=kobuild@example.invalid", "-c", "tag.gpgsign=false", ...args], { env: { GIT_COMMITTER_DATE: date } });
}

const RELEASED = [
  "# <collector-version> <product-version>",
  "3.9.0 3.70.0",
  "3.10.0 3.71.0",
  "3.10.0 3.71.1   # product patch release on the same collector",
  "3.11.0 3.72.0",
  "3.12.0          # never released: ignored",
  "3.8.0 3.69.0 extra",
  "  3.7.0\t3.68.0",
  "3.13.0 3.74.0",
  "bad..name 3.0.0",
  "#3.6.0 3.67.0",
  "",
].join("\n");

beforeAll(async () => {
  repo = await fs.mkdtemp(path.join(os.tmpdir(), "kobuild-workspace-"));
  await git(repo, ["init", "-q", "-b", "master"]);
  await commit("c0", "2021-11-02T10:00:00Z", "Initial layout", { "README.md": "collector\n" });
  await commit("c1", "2022-01-10T10:00:00Z", "Driver 2.0.1", {
    "kernel-modules/MODULE_VERSION": "2.0.1\n",
    "kernel-modules/KERNEL_VERSIONS": "3.10.0-1160.el7.x86_64\n5.4.0-1055-gcp\n",
  });
  await commit("c2", "2022-03-01T10:00:00Z", "Driver 2.1.0", { "kernel-modules/MODULE_VERSION": "2.1.0\n" });
  await commit("c3", "2022-05-02T10:00:00Z", "Blocklist RHEL 7.0 eBPF", {
    "kernel-modules/BLOCKLIST": "# no eBPF on 7.0 GA\n3.10.0-123.el7.x86_64 * bpf\n",
  });
  await commit("c4", "2022-06-01T10:00:00Z", "Driver 2.2.0: ring buffer stats", {
    "kernel-modules/MODULE_VERSION": "2.2.0\n",
    RELEASED_VERSIONS: RELEASED,
    "kernel-modules/KERNEL_VERSIONS": "# bundles\n3.10.0-1160.el7.x86_64\n\n4.15.0-1098-gcp~16.04\n  5.10.68-16623.39.6-cos  \n5.4.0-1055-gcp\n",
  });
  await tag("3.7.0", commits.c0!);
  await tag("3.9.0", commits.c1!, "Collector 3.9.0");
  await tag("3.10.0", commits.c2!);
  await tag("3.11.0-rc1", commits.c2!);
  await tag("3.11.0", commits.c3!, "Collector 3.11.0");
  await tag("nightly-2022", commits.c3!);
  await git(repo, ["branch", "old-fix", commits.c1!]);
  await git(repo, ["checkout", "-q", "-b", "bpf-ringbuf", commits.c3!]);
  await commit("c5", "2022-07-04T10:00:00Z", "bpf: use the ring buffer", { "kernel-modules/bpf/probe.c": "int x;\n" });
  await git(repo, ["checkout", "-q", "master"]);
}, 30_000);

afterAll(async () => {
  await fs.rm(repo, { recursive: true, force: true });
});

describe("git helpers", () => {
  it("resolves revisions to commits and says null for unknown ones", async () => {
    expect(await resolveCommit(repo, "3.9.0")).toBe(commits.c1);
    expect(await resolveCommit(repo, "master")).toBe(commits.c4);
    expect(await resolveCommit(repo, "no-such-branch")).toBeNull();
    // After --end-of-options an option-looking name is only a name.
    expect(await resolveCommit(repo, "--all")).toBeNull();
  });

  it("reads many blobs in one call, null for missing ones", async () => {
    const blobs = await readBlobs(repo, [`${commits.c1}:kernel-modules/MODULE_VERSION`, `${commits.c0}:kernel-modules/MODULE_VERSION`, `${commits.c4}:kernel-modules`]);
    expect([...blobs.values()].map((b) => b?.toString() ?? null)).toEqual(["2.0.1\n", null, null]);
  });

  it("reports git's own message when it fails", async () => {
    const error = await git(os.tmpdir(), ["log", "-1"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).message).toMatch(/not a git repository/);
  });
});

describe("listRefs", () => {
  it("lists branches HEAD first then newest, tags by version newest first, annotated tags peeled", async () => {
    const refs = await listRefs(repo);
    expect(refs.head).toBe("master");
    expect(refs.branches).toEqual([
      { name: "master", commit: commits.c4, subject: "Driver 2.2.0: ring buffer stats", date: "2022-06-01T10:00:00.000Z" },
      { name: "bpf-ringbuf", commit: commits.c5, subject: "bpf: use the ring buffer", date: "2022-07-04T10:00:00.000Z" },
      { name: "old-fix", commit: commits.c1, subject: "Driver 2.0.1", date: "2022-01-10T10:00:00.000Z" },
    ]);
    expect(refs.tags.map((t) => t.name)).toEqual(["3.11.0", "3.11.0-rc1", "3.10.0", "3.9.0", "3.7.0", "nightly-2022"]);
    expect(refs.tags[0]).toEqual({ name: "3.11.0", commit: commits.c3, subject: "Blocklist RHEL 7.0 eBPF", date: "2022-05-02T10:00:00.000Z" });
    expect(refs.tags.find((t) => t.name === "3.9.0")).toMatchObject({ commit: commits.c1, subject: "Driver 2.0.1" });
  });

  it("says null for a detached HEAD", async () => {
    await git(repo, ["checkout", "-q", "--detach", commits.c2!]);
    try {
      const refs = await listRefs(repo);
      expect(refs.head).toBeNull();
      expect(refs.branches.map((b) => b.name)).toEqual(["bpf-ringbuf", "master", "old-fix"]);
    } finally {
      await git(repo, ["checkout", "-q", "master"]);
    }
  });
});

describe("parseReleasedVersions", () => {
  it("keeps field 1 of two-field lines once each, comments dropped wherever they start", () => {
    expect(parseReleasedVersions(RELEASED)).toEqual(["3.9.0", "3.10.0", "3.11.0", "3.7.0", "3.13.0", "bad..name"]);
    expect(parseReleasedVersions("3.9.0 3.70.0#comment\n3.10.0#3.71.0\n\r\n3.11.0 3.72.0\r\n")).toEqual(["3.9.0", "3.11.0"]);
    expect(parseReleasedVersions("")).toEqual([]);
  });
});

describe("parseKernelVersions", () => {
  it("keeps one id per line, without blanks and comments", () => {
    expect(parseKernelVersions("# c\n\n 5.4.0-1055-gcp \n4.15.0-1098-gcp~16.04\r\n")).toEqual(["5.4.0-1055-gcp", "4.15.0-1098-gcp~16.04"]);
  });
});

describe("readWorkspaceFiles", () => {
  const released = [
    { collectorVersion: "3.9.0", moduleVersion: "2.0.1", status: "ok" },
    { collectorVersion: "3.10.0", moduleVersion: "2.1.0", status: "ok" },
    { collectorVersion: "3.11.0", moduleVersion: "2.1.0", status: "ok" },
    { collectorVersion: "3.7.0", moduleVersion: null, status: "missing-module-version" },
    { collectorVersion: "3.13.0", moduleVersion: null, status: "missing-tag" },
    { collectorVersion: "bad..name", moduleVersion: null, status: "invalid-tag-name" },
  ];

  it("reads a ref's files and the module version of every released tag", async () => {
    const files = await readWorkspaceFiles(repo, "master");
    expect(files).toEqual({
      ref: "master",
      commit: commits.c4,
      moduleVersion: "2.2.0",
      releasedVersions: ["3.9.0", "3.10.0", "3.11.0", "3.7.0", "3.13.0", "bad..name"],
      released,
      releasedModuleVersions: ["2.0.1", "2.1.0"],
      kernelVersions: ["3.10.0-1160.el7.x86_64", "4.15.0-1098-gcp~16.04", "5.10.68-16623.39.6-cos", "5.4.0-1055-gcp"],
      blocklist: ["# no eBPF on 7.0 GA", "3.10.0-123.el7.x86_64 * bpf"],
    });
  });

  it("reads the working tree, uncommitted changes included", async () => {
    const file = path.join(repo, "kernel-modules/MODULE_VERSION");
    await fs.writeFile(file, "2.3.0-rc1\n");
    try {
      const files = await readWorkspaceFiles(repo);
      expect(files).toMatchObject({ ref: null, commit: null, moduleVersion: "2.3.0-rc1", releasedModuleVersions: ["2.0.1", "2.1.0"] });
      expect(files.released).toEqual(released);
    } finally {
      await fs.writeFile(file, "2.2.0\n");
    }
  });

  it("gives null for files a ref does not have", async () => {
    expect(await readWorkspaceFiles(repo, "3.9.0")).toEqual({
      ref: "3.9.0",
      commit: commits.c1,
      moduleVersion: "2.0.1",
      releasedVersions: null,
      released: [],
      releasedModuleVersions: [],
      kernelVersions: ["3.10.0-1160.el7.x86_64", "5.4.0-1055-gcp"],
      blocklist: null,
    });
    expect(await readWorkspaceFiles(repo, commits.c0!.slice(0, 12))).toMatchObject({ moduleVersion: null, kernelVersions: null, blocklist: null });
  });

  it("refuses unknown and malformed refs", async () => {
    await expect(readWorkspaceFiles(repo, "no-such-branch")).rejects.toMatchObject({ code: "not_found" });
    const error = await readWorkspaceFiles(repo, "--output=/tmp/x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "bad_request" });
    await expect(readWorkspaceFiles(repo, "master:RELEASED_VERSIONS")).rejects.toMatchObject({ code: "bad_request" });
  });

  it("gives null for every file of an empty checkout", async () => {
    const empty = await fs.mkdtemp(path.join(os.tmpdir(), "kobuild-empty-"));
    try {
      await git(empty, ["init", "-q"]);
      expect(await readWorkspaceFiles(empty)).toEqual({
        ref: null,
        commit: null,
        moduleVersion: null,
        releasedVersions: null,
        released: [],
        releasedModuleVersions: [],
        kernelVersions: null,
        blocklist: null,
      });
    } finally {
      await fs.rm(empty, { recursive: true, force: true });
    }
  });
});
