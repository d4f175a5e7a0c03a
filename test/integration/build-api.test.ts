import { describe, expect, it, beforeAll } from "vitest";
import { AdminRequest } from "./helpers/admin-request";
import { freshDataDir, makeSampleWorkspace } from "./helpers/sample-data-dir";

const dataDir = freshDataDir("api");
const builds = await import("@/app/api/builds/route");
const cancel = await import("@/app/api/builds/[id]/cancel/route");
const one = await import("@/app/api/builds/[id]/route");
const workspaces = await import("@/app/api/workspaces/route");
const refs = await import("@/app/api/workspaces/[id]/refs/route");
const { getDb } = await import("@/lib/db/client");
const { builds: buildsTable } = await import("@/lib/db/schema");
const { recoverBuilds } = await import("@/lib/builds/build-queue");
const { eq } = await import("drizzle-orm");

const none = { params: Promise.resolve({}) };
const post = (body: unknown) => new AdminRequest("http://127.0.0.1/api", { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
let workspaceId = 0;

beforeAll(async () => {
  const path = makeSampleWorkspace(dataDir);
  const response = await workspaces.POST(post({ name: "sample", path }), none);
  expect(response.status).toBe(201);
  workspaceId = ((await response.json()) as { id: number }).id;
});

describe("the HTTP API refuses bad input with a status and a reason", () => {
  it.each([
    ["a body that is not JSON", "{", 400, /JSON/],
    ["an unknown option", { workspaceId: 1, colour: "red" }, 400, /colour/],
    ["a branch name git would refuse", { workspaceId: 1, branch: "master..x" }, 400, /branch/],
    ["an option of the wrong type", { workspaceId: 1, legacyProbes: "yes" }, 400, /legacyProbes/],
    ["a cache repository without a tag", { workspaceId: 1, cacheRepo: "kobuild" }, 400, /cacheRepo and cacheTag go together/],
    ["an image tag with a space", { workspaceId: 1, tag: "kobuild/drivers:a b" }, 400, /tag/],
    ["an empty list of bundles (a build of nothing)", { workspaceId: 1, bundleIds: [] }, 400, /at least one bundle/],
  ])("%s", async (_what, body, status, reason) => {
    const response = await builds.POST(post(body), none);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: string }).error).toMatch(reason);
  });

  it("answers 404 for a workspace, a branch or a bundle that does not exist", async () => {
    for (const [body, reason] of [
      [{ workspaceId: 999 }, /no workspace with id 999/],
      [{ workspaceId, branch: "no-such-branch" }, /has no branch or tag no-such-branch/],
      [{ workspaceId, bundleIds: [12345] }, /no bundle with id 12345/],
    ] as const) {
      const response = await builds.POST(post(body), none);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: string }).error).toMatch(reason);
    }
    expect((await one.GET(new AdminRequest("http://127.0.0.1/api/builds/77"), { params: Promise.resolve({ id: "77" }) })).status).toBe(404);
    expect((await one.GET(new AdminRequest("http://127.0.0.1/api/builds/x"), { params: Promise.resolve({ id: "x" }) })).status).toBe(400);
  });

  it("refuses an output tag equal to the cache image it reads (409)", async () => {
    const response = await builds.POST(post({ workspaceId, cacheRepo: "kobuild", cacheTag: "nightly", tag: "kobuild/collector-drivers:nightly" }), none);
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: string }).error).toMatch(/is the cache image this build reads/);
  });

  it("refuses a workspace path that is not a git checkout, and a name taken twice", async () => {
    const notGit = await workspaces.POST(post({ name: "tmp", path: "/tmp" }), none);
    expect(notGit.status).toBe(400);
    expect(((await notGit.json()) as { error: string }).error).toMatch(/not a git work tree/);
    const again = await workspaces.POST(post({ name: "sample", path: `${dataDir}/workspaces/sample` }), none);
    expect(again.status).toBe(409);
  });

  it("lists a workspace's branches, tags and released module versions", async () => {
    const response = await refs.GET(new AdminRequest("http://127.0.0.1/api"), { params: Promise.resolve({ id: String(workspaceId) }) });
    const body = (await response.json()) as { branches: { name: string }[]; tags: { name: string }[]; moduleVersion: string; releasedModuleVersions: string[] };
    expect(body.branches.map((b) => b.name)).toContain("master");
    expect(body.tags.length).toBeGreaterThan(0);
    expect(body.moduleVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.releasedModuleVersions.length).toBeGreaterThan(1);
  });
});

describe("after a restart", () => {
  it("marks builds a dead dashboard left running as interrupted, and cancel then answers 409", async () => {
    const db = getDb();
    const row = db.insert(buildsTable).values({ workspaceId, branch: "master", status: "running", startedAt: new Date() }).returning().get();
    expect(recoverBuilds()).toBe(1);
    const after = db.select().from(buildsTable).where(eq(buildsTable.id, row.id)).get()!;
    expect(after.status).toBe("interrupted");
    expect(after.error).toMatch(/dashboard stopped/);
    const response = await cancel.POST(new AdminRequest("http://127.0.0.1/api", { method: "POST" }), { params: Promise.resolve({ id: String(row.id) }) });
    expect(response.status).toBe(409);
  });
});
