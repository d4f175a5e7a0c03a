import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminRequest } from "./helpers/admin-request";
import { bundlesDir, DOCKER } from "./helpers/driver-build";
import { add, idParams, json, list, send, until, type Engine } from "./helpers/engines-api";
import { importBusybox, privateEngine } from "./helpers/private-engine";
import { startTestRegistry, type TestRegistry } from "./helpers/registry";
import { freshDataDir, makeSampleWorkspace } from "./helpers/sample-data-dir";
import { startTestSshServer } from "./helpers/ssh-server";
import { waitForBuild } from "./helpers/wait-for-build";

// An engine reached over ssh://, as `DOCKER_HOST=ssh://` engines are: Debian's
// OpenSSH server on loopback whose logins reach a dockerd of the test's own,
// added and used through kobuild with a key and known_hosts of its ssh config.

const dataDir = freshDataDir("engine-ssh");
const engine = privateEngine("engine-ssh");
const sshd = await startTestSshServer(engine.host);
process.env.KOBUILD_SSH_CONFIG = sshd.clientConfig;

const { getEngineRow } = await import("@/lib/engines/engine-store");
const { clientForEngine } = await import("@/lib/engines/engine-clients");
const { getDb } = await import("@/lib/db/client");
const { builds, tasks } = await import("@/lib/db/schema");
const { createBuild } = await import("@/lib/builds/create-build");
const { createBuildBodySchema } = await import("@/lib/builds/build-schemas");
const { importSample } = await import("@/lib/workspace/import-sample");
const { and, eq } = await import("drizzle-orm");
const registriesRoute = await import("@/app/api/registries/route");

let registry: TestRegistry;

beforeAll(async () => {
  await engine.start();
  registry = await startTestRegistry();
}, 120_000);

afterAll(async () => {
  await sshd.destroy();
  await engine.destroy();
  await registry?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("an engine over ssh://", () => {
  let added: Engine;

  it("refuses a host whose key kobuild's ssh config does not know (422), and stores nothing", async () => {
    const url = sshd.engineUrl("root", "localhost");
    const body = await json<{ error: string }>(await add({ name: "ssh engine", url }), 422);
    expect(body.error).toBe(`the engine at ${url} did not answer: ssh: the host's key is not in known_hosts; trust it first (for example with ssh-keyscan, checked against the host)`);
    expect((await list()).map((e) => e.name)).toEqual(["default"]);
  });

  it("refuses a user the host does not let in with kobuild's key (422)", async () => {
    const url = sshd.engineUrl("nobody");
    const body = await json<{ error: string }>(await add({ name: "ssh engine", url }), 422);
    expect(body.error).toBe(`the engine at ${url} did not answer: ssh: the host refused kobuild's key (Permission denied); add its public key to the user's authorized_keys`);
    expect((await list()).map((e) => e.name)).toEqual(["default"]);
  });

  it("adds it (201) and lists it as up with the Docker version of the engine behind the ssh server", async () => {
    added = await json<Engine>(await add({ name: "ssh engine", url: sshd.engineUrl() }), 201);
    expect(added).toMatchObject({ name: "ssh engine", kind: "ssh", url: sshd.engineUrl() });
    const version = engine.docker(["version", "--format", "{{.Server.Version}}"]).trim();
    expect((await list()).find((e) => e.id === added.id)!.health).toMatchObject({ reachable: true, version, error: null });
  });

  it("does real work through kobuild's client: an image imported over ssh is on that engine, not on the default one", async () => {
    const ref = `kobuild-ssh/busybox:${process.pid}`;
    const sshClient: Docker = clientForEngine(getEngineRow(added.id));
    await importBusybox(sshClient, ref);
    expect((await sshClient.listImages()).flatMap((image) => image.RepoTags ?? [])).toContain(ref);
    expect(engine.docker(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"]).split("\n")).toContain(ref);
    expect(execFileSync(DOCKER, ["image", "ls", "--quiet", ref], { encoding: "utf8" }).trim()).toBe("");
  });

  it("runs a shard of a sharded build: base images streamed to it, the shard built, pushed and merged", async () => {
    const workspacePath = makeSampleWorkspace(dataDir);
    fs.appendFileSync(path.join(workspacePath, "kernel-modules/probe/main.c"), `/* ssh engine test ${process.pid} ${Date.now()} */\n`);
    const workspaceId = (await importSample({ workspacePath, bundleDir: bundlesDir })).workspace.id;
    const request = new AdminRequest("http://127.0.0.1/api/registries", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "ssh shards", url: registry.url, username: registry.username, password: registry.password }),
    });
    const created = await registriesRoute.POST(request, { params: Promise.resolve({}) });
    expect(created.status).toBe(201);
    const registryId = ((await created.json()) as { id: number }).id;

    const started = await createBuild(
      createBuildBodySchema.parse({ workspaceId, branch: "master", checkoutBeforePatching: false, buildJobs: 1, sharding: { engines: "all", registryId, maxAttempts: 1 } }),
    );
    const build = await waitForBuild(started.id);
    expect(build.status, build.error ?? "").toBe("succeeded");
    const shard = getDb().select().from(builds).where(and(eq(builds.parentId, build.id), eq(builds.engineId, added.id))).get();
    expect(shard?.status).toBe("succeeded");
    const built = getDb().select().from(tasks).where(and(eq(tasks.buildId, shard!.id), eq(tasks.state, "built"))).all();
    expect(built.length).toBeGreaterThan(0);
    // Its drivers are in the merged result, read on the default engine.
    expect(build.image).not.toBeNull();
    execFileSync(DOCKER, ["rmi", build.tag!], { stdio: "ignore" });
  }, 600_000);

  it("shows it down with the reason when the engine behind the ssh server stops, and up again once it is back", async () => {
    await engine.stop("SIGTERM");
    // A request in flight as it stops may just see its connection end; the next ones say why.
    const down = await until(
      "the engine behind ssh stopped",
      async () => (await list()).find((e) => e.id === added.id)!,
      (e) => !e.health.reachable && /cannot reach its engine/.test(e.health.error ?? ""),
    );
    expect(down.health.error).toMatch(/^ssh: the host's docker command cannot reach its engine: failed to open the raw stream connection: dial unix .*: no such file or directory$/);
    await engine.start();
    const up = await until("the engine behind ssh started again", async () => (await list()).find((e) => e.id === added.id)!, (e) => e.health.reachable);
    expect(up.health.version).toMatch(/^\d+\.\d+/);
  });

  it("keeps its ssh connections open between requests, and closes every one when the engine is removed", async () => {
    const sshToEngine = () =>
      execFileSync("ps", ["--ppid", String(process.pid), "-o", "args="], { encoding: "utf8" })
        .split("\n")
        .filter((args) => args.startsWith("ssh ") && args.includes(`-p ${sshd.port} `));
    await list();
    expect(sshToEngine().length).toBeGreaterThan(0);
    const byId = await import("@/app/api/engines/[id]/route");
    expect((await byId.DELETE(send("DELETE"), idParams(added.id))).status).toBe(204);
    await until("the engine's ssh processes gone", async () => sshToEngine(), (left) => left.length === 0, 5_000);
  });
});
