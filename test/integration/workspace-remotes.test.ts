import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSampleRecord } from "../sample-record";
import { AdminRequest } from "./helpers/admin-request";
import { DOCKER } from "./helpers/driver-build";
import { cloneForPushing, gitSync, makeBareRemote, startGitDaemon, startSilentServer, type Server } from "./helpers/git-remotes";
import { freePort } from "./helpers/loopback-port";
import { freshDataDir, makeSampleWorkspace } from "./helpers/sample-data-dir";
import { startTestSshServer } from "./helpers/ssh-server";
import { waitForBuild } from "./helpers/wait-for-build";

// Workspaces from real remotes on loopback: git daemon, a file:// bare
// repository, Debian's sshd, an https:// address that accepts and never
// answers and one where nothing listens. The bound is short here so that the
// silent remote fails in seconds.
const dataDir = freshDataDir("remotes");
const BOUND = 8;
process.env.KOBUILD_GIT_TIMEOUT_SECONDS = String(BOUND);
const sshd = await startTestSshServer(process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock");
process.env.KOBUILD_SSH_CONFIG = sshd.clientConfig;

const workspacesRoute = await import("@/app/api/workspaces/route");
const workspaceRoute = await import("@/app/api/workspaces/[id]/route");
const fetchRoute = await import("@/app/api/workspaces/[id]/fetch/route");
const refsRoute = await import("@/app/api/workspaces/[id]/refs/route");
const buildsRoute = await import("@/app/api/builds/route");
const buildRoute = await import("@/app/api/builds/[id]/route");
const planRoute = await import("@/app/api/builds/plan/route");
const { getDb } = await import("@/lib/db/client");
const { builds, bundles } = await import("@/lib/db/schema");
const { storeBundle } = await import("@/lib/bundles/store-bundle");
const { readLogLines } = await import("@/lib/builds/read-log-lines");
const { eq } = await import("drizzle-orm");

type WorkspaceJson = { id: number; name: string; kind: string; url: string | null; path: string; defaultBranch: string | null; lastFetch: { at: string; error: string | null } | null };
type BuildJson = { id: number; status: string; branch: string; commit: string | null; commitDirty: boolean | null; error: string | null; stages: unknown[]; workspace: { id: number | null; name: string } | null };

const none = { params: Promise.resolve({}) };
const idParams = (id: number) => ({ params: Promise.resolve({ id: String(id) }) });
const json = (body: unknown, method = "POST") => new AdminRequest("http://127.0.0.1/api", { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const get = () => new AdminRequest("http://127.0.0.1/api");

async function register(name: string, url: string) {
  // The test engine has no bridge (dockerd --bridge=none): the sample's build fetches nothing.
  const response = await workspacesRoute.POST(json({ name, url, network: "none" }), none);
  return { status: response.status, body: (await response.json()) as WorkspaceJson & { error?: string } };
}

async function startBuild(body: Record<string, unknown>) {
  const response = await buildsRoute.POST(json(body), none);
  expect(response.status, JSON.stringify(await response.clone().json())).toBe(201);
  return (await response.json()) as BuildJson;
}

async function buildJson(id: number) {
  return (await (await buildRoute.GET(get(), idParams(id))).json()) as BuildJson;
}

const remotesRoot = path.join(dataDir, "remotes");
const bare = path.join(remotesRoot, "collector.git");
let daemon: Server;
let daemonPort = 0;
let pusher: ReturnType<typeof cloneForPushing>;
let bundleId = 0;
const urls = { git: "", file: "", ssh: "" };
const ids = { git: 0, file: 0, ssh: 0 };

beforeAll(async () => {
  makeBareRemote(makeSampleWorkspace(dataDir), bare, "main");
  pusher = cloneForPushing(bare, path.join(dataDir, "developer"));
  daemonPort = await freePort();
  daemon = await startGitDaemon(remotesRoot, daemonPort);
  urls.git = `git://127.0.0.1:${daemonPort}/collector.git`;
  urls.file = `file://${bare}`;
  urls.ssh = `ssh://root@127.0.0.1:${sshd.port}${bare}`;
  const newest = readSampleRecord().byRole("newest");
  const { bundle } = await storeBundle({ fileName: newest.file, source: fs.createReadStream(readSampleRecord().fileOf(newest)), maxBytes: 256 * 1024 * 1024 });
  bundleId = bundle.id;
});

afterAll(async () => {
  await daemon?.stop();
  await sshd.destroy();
  // The engine is shared: the images this file's builds tagged go with it.
  for (const { tag } of getDb().select({ tag: builds.tag }).from(builds).all()) if (tag) spawnSync(DOCKER, ["rmi", tag], { stdio: "ignore" });
});

describe("registering a remote", () => {
  it.each(["git", "file", "ssh"] as const)("through the API, %s: cloned, with the remote's default branch", async (kind) => {
    const { status, body } = await register(`collector-${kind}`, urls[kind]);
    expect(status, body.error).toBe(201);
    expect(body).toMatchObject({ kind: "remote", url: urls[kind], defaultBranch: "main", network: "none", lastFetch: { error: null } });
    ids[kind] = body.id;
    const one = (await (await workspaceRoute.GET(get(), idParams(body.id))).json()) as WorkspaceJson;
    expect(one).toMatchObject({ name: `collector-${kind}`, defaultBranch: "main" });
    const refs = (await (await refsRoute.GET(get(), idParams(body.id))).json()) as { defaultBranch: string; branches: { name: string }[]; tags: { name: string }[] };
    expect(refs.defaultBranch).toBe("main");
    expect(refs.branches.map((b) => b.name).sort()).toEqual(gitSync(bare, ["for-each-ref", "--format=%(refname:strip=2)", "refs/heads"]).split("\n").filter(Boolean).sort());
    expect(refs.tags.length).toBeGreaterThan(0);
  });

  it("refuses remotes that do not answer or refuse, saying why, and keeps nothing of them", async () => {
    const silent = await startSilentServer(await freePort());
    const closed = await freePort();
    try {
      const cases: Array<[string, number, RegExp]> = [
        [`https://127.0.0.1:${silent.port}/collector.git`, 502, new RegExp(`the remote did not answer within ${BOUND} s`)],
        [`https://127.0.0.1:${closed}/collector.git`, 502, /connection refused/],
        [`git://127.0.0.1:${daemonPort}/no-such.git`, 422, /no such repository/],
        [`ssh://root@localhost:${sshd.port}${bare}`, 422, /host's key is not in known_hosts/],
        [`https://ci:hunter2-secret@127.0.0.1:${closed}/collector.git`, 400, /holds a password/],
      ];
      for (const [url, status, reason] of cases) {
        const { status: got, body } = await register("refused", url);
        expect([url, got]).toEqual([url, status]);
        expect(body.error).toMatch(reason);
        expect(body.error).not.toContain("hunter2");
      }
    } finally {
      await silent.stop();
    }
    const listed = (await (await workspacesRoute.GET(get(), none)).json()) as { workspaces: WorkspaceJson[] };
    expect(listed.workspaces.map((w) => w.name).sort()).toEqual(["collector-file", "collector-git", "collector-ssh"]);
    expect(fs.readdirSync(path.join(dataDir, "workspaces", "remotes")).sort()).toEqual(Object.values(ids).map(String).sort());
  });
});

describe("building from a remote", () => {
  let first: BuildJson;

  it("the plan, like a build, is of the remote's default branch when no branch is named", async () => {
    const response = await planRoute.POST(json({ workspaceId: ids.git, bundleIds: [bundleId] }), none);
    const plan = (await response.json()) as { branch: string; commit: string };
    expect(response.status).toBe(200);
    expect(plan).toMatchObject({ branch: "main", commit: gitSync(bare, ["rev-parse", "main"]).trim() });
  });

  it("a sample build from the git daemon succeeds and records the commit of the default branch", async () => {
    const queued = await startBuild({ workspaceId: ids.git, bundleIds: [bundleId] });
    expect(queued.branch).toBe("main");
    first = await waitForBuild(queued.id).then(() => buildJson(queued.id));
    expect(first.status, first.error ?? "").toBe("succeeded");
    expect(first.commit).toBe(gitSync(bare, ["rev-parse", "main"]).trim());
    expect(first.commitDirty).toBe(false);
    expect(readLogLines(queued.id).map((l) => l.text)).toContain(`kobuild: the sources: main at ${first.commit}`);
    // The build's own checkout is gone with the build.
    expect(fs.existsSync(path.join(dataDir, "workspaces", "builds", String(queued.id)))).toBe(false);
  });

  it("the next build fetches first: a commit pushed to the remote is the one it builds and records", async () => {
    const pushed = pusher.commit("main", "README.md", `\nA change pushed by the integration test ${process.pid}.\n`);
    expect(pushed).not.toBe(first.commit);
    const next = await startBuild({ workspaceId: ids.git, bundleIds: [bundleId], target: "task-master" });
    const done = await waitForBuild(next.id).then(() => buildJson(next.id));
    expect(done.status, done.error ?? "").toBe("succeeded");
    expect(done.commit).toBe(pushed);
  });

  it("fetch now: a branch deleted on the remote is gone, over ssh too", async () => {
    const branches = gitSync(bare, ["for-each-ref", "--format=%(refname:strip=2)", "refs/heads"]).split("\n").filter(Boolean);
    const doomed = branches.find((b) => b !== "main" && b !== "master")!;
    pusher.deleteBranch(doomed);
    for (const id of [ids.git, ids.ssh]) {
      const response = await fetchRoute.POST(json({}), idParams(id));
      expect(response.status).toBe(200);
      expect(((await response.json()) as WorkspaceJson).lastFetch).toMatchObject({ error: null });
      const refs = (await (await refsRoute.GET(get(), idParams(id))).json()) as { branches: { name: string }[] };
      expect(refs.branches.map((b) => b.name)).not.toContain(doomed);
    }
  });

  it("a remote that stops answering fails its fetch within the bound with the reason, and its build starts nothing", async () => {
    await daemon.stop();
    // The same address now accepts connections and never answers.
    const silent = await startSilentServer(daemonPort);
    try {
      const response = await fetchRoute.POST(json({}), idParams(ids.git));
      expect(response.status).toBe(502);
      const reason = `cannot fetch ${urls.git}: the remote did not answer within ${BOUND} s`;
      expect(((await response.json()) as { error: string }).error).toMatch(reason);
      const listed = (await (await workspaceRoute.GET(get(), idParams(ids.git))).json()) as WorkspaceJson;
      expect(listed.lastFetch?.error).toMatch(reason);

      const queued = await startBuild({ workspaceId: ids.git, bundleIds: [bundleId] });
      const failed = await waitForBuild(queued.id).then(() => buildJson(queued.id));
      expect(failed.status).toBe("failed");
      expect(failed.error).toMatch(reason);
      expect(failed.commit).toBeNull();
      expect(failed.stages).toEqual([]);
    } finally {
      await silent.stop();
      daemon = await startGitDaemon(remotesRoot, daemonPort);
    }
  });
});

describe("removing a remote workspace", () => {
  it("is refused while a build of it runs; then its clone goes and its builds keep its name", async () => {
    const db = getDb();
    const running = db.insert(builds).values({ kind: "drivers", workspaceId: ids.file, branch: "main", status: "running" }).returning().get();
    const refused = await workspaceRoute.DELETE(json({}, "DELETE"), idParams(ids.file));
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: string }).error).toMatch(new RegExp(`#${running.id} \\(running\\)`));
    db.update(builds).set({ status: "failed", finishedAt: new Date() }).where(eq(builds.id, running.id)).run();

    const clone = ((await (await workspaceRoute.GET(get(), idParams(ids.file))).json()) as WorkspaceJson).path;
    expect(fs.existsSync(path.join(clone, ".git"))).toBe(true);
    expect((await workspaceRoute.DELETE(json({}, "DELETE"), idParams(ids.file))).status).toBe(204);
    expect(fs.existsSync(clone)).toBe(false);
    expect((await workspaceRoute.GET(get(), idParams(ids.file))).status).toBe(404);
    expect((await buildJson(running.id)).workspace).toEqual({ id: null, name: "collector-file" });
    // The remote itself is left as it was.
    expect(fs.existsSync(path.join(bare, "HEAD"))).toBe(true);
    expect(db.select().from(bundles).all()).toHaveLength(1);
  });
});
