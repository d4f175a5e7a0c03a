import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminRequest } from "./helpers/admin-request";
import { add, idParams, json, list, none, send, until, type Engine } from "./helpers/engines-api";
import { privateEngine } from "./helpers/private-engine";
import { freshDataDir } from "./helpers/sample-data-dir";

// Engines added, watched, changed and removed through the route handlers, with
// a second dockerd of the test's own that it stops and starts again.

const engine = privateEngine("engines");
const dataDir = freshDataDir("engines");
const nowhere = `/tmp/kobuild-engines-nowhere-${process.pid}.sock`;

const { getDb } = await import("@/lib/db/client");
const { builds, engines, images } = await import("@/lib/db/schema");
const { createUser } = await import("@/lib/auth/users");
const { createApiToken } = await import("@/lib/auth/api-tokens");
const { eq } = await import("drizzle-orm");
const enginesRoute = await import("@/app/api/engines/route");
const engineRoute = await import("@/app/api/engines/[id]/route");

beforeAll(async () => {
  await engine.start();
});

afterAll(async () => {
  await engine.destroy();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("engines", () => {
  let added: Engine;

  it("lists the default engine of DOCKER_HOST as up, with its version", async () => {
    const [first, ...others] = await list();
    expect(others).toEqual([]);
    expect(first).toMatchObject({ id: "default", isDefault: true, kind: "unix", running: 0, queued: 0 });
    expect(first!.health.reachable).toBe(true);
    expect(first!.health.version).toMatch(/^\d+\.\d+/);
  });

  it("refuses an engine that does not answer, with the reason, and stores nothing", async () => {
    const body = await json<{ error: string }>(await add({ name: "ghost", url: `unix://${nowhere}` }), 422);
    expect(body.error).toBe(`the engine at unix://${nowhere} did not answer: no engine socket at that path`);
    expect((await list()).map((e) => e.name)).toEqual(["default"]);
  });

  it("refuses a TLS certificate directory that lacks one of its files, naming it", async () => {
    const dir = fs.mkdtempSync(path.join(dataDir, "certs-"));
    fs.writeFileSync(path.join(dir, "ca.pem"), "");
    fs.writeFileSync(path.join(dir, "cert.pem"), "");
    const body = await json<{ error: string }>(await add({ name: "tls", url: "tcp://127.0.0.1:2376", certPath: dir }), 422);
    expect(body.error).toBe(`${dir} has no key.pem (TLS needs ca.pem, cert.pem, key.pem)`);
    expect((await list()).map((e) => e.name)).toEqual(["default"]);
  });

  it("refuses bodies that do not fit with 400, naming the field", async () => {
    expect((await json<{ error: string }>(await add({ name: "x", url: "http://10.0.0.1:2375" }), 400)).error).toMatch(/^url: must be unix:\/\/\//);
    expect((await json<{ error: string }>(await add({ name: "x", url: engine.host, concurrency: 65 }), 400)).error).toBe("concurrency: must be at most 64");
    expect((await json<{ error: string }>(await add({ name: "a/b", url: engine.host }), 400)).error).toBe("name: may hold letters, digits, spaces and _ . -");
    expect((await json<{ error: string }>(await add({ url: engine.host }), 400)).error).toMatch(/^name: /);
    expect((await json<{ error: string }>(await add({ name: "x", url: engine.host, certPath: "/etc" }), 400)).error).toBe("certPath: a TLS certificate directory goes with a tcp:// address only");
    const notJson = await enginesRoute.POST(new AdminRequest("http://127.0.0.1/api/engines", { method: "POST", headers: { "content-type": "application/json" }, body: "{name" }), none);
    expect((await json<{ error: string }>(notJson, 400)).error).toBe("the body must be JSON");
  });

  it("adds the private engine (201) and lists it as up with its version", async () => {
    added = await json<Engine>(await add({ name: "private engine", url: engine.host, concurrency: 2 }), 201);
    expect(added.id).toMatch(/^eng_[0-9a-f]{8}$/);
    expect(added).toMatchObject({ name: "private engine", kind: "unix", url: engine.host, concurrency: 2, isDefault: false });
    const version = engine.docker(["version", "--format", "{{.Server.Version}}"]).trim();
    const listed = (await list()).find((e) => e.id === added.id)!;
    expect(listed.health).toMatchObject({ reachable: true, version, error: null });
    const one = await json<Engine>(await engineRoute.GET(send("GET"), idParams(added.id)), 200);
    expect(one.name).toBe("private engine");
  });

  it("refuses a second engine with the same name or address (409)", async () => {
    expect((await json<{ error: string }>(await add({ name: "private engine", url: `unix://${nowhere}` }), 409)).error).toBe("an engine is already called private engine");
    expect((await json<{ error: string }>(await add({ name: "again", url: engine.host }), 409)).error).toBe(`the engine ${engine.host} is already configured as private engine`);
    expect((await json<{ error: string }>(await add({ name: "main again", url: process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock" }), 409)).error).toBe(
      `the engine ${process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock"} is already configured as default`,
    );
  });

  it("shows a stopped engine as down with the reason within seconds, and up again once it is back", async () => {
    await engine.stop("SIGTERM");
    const down = await until("the stopped engine", async () => (await list()).find((e) => e.id === added.id)!, (e) => !e.health.reachable);
    expect(down.health.error).toMatch(/no engine socket at that path|connection refused/);
    expect(down.health.version).toBeNull();
    // The other engines are not held up by the dead one.
    expect((await list()).find((e) => e.isDefault)!.health.reachable).toBe(true);
    await engine.start();
    const up = await until("the engine started again", async () => (await list()).find((e) => e.id === added.id)!, (e) => e.health.reachable);
    expect(up.health.version).toMatch(/^\d+\.\d+/);
  });

  it("lets a viewer list engines but not add, change or remove one (403)", async () => {
    const viewer = await createUser({ name: "vera", role: "viewer" });
    const { token } = createApiToken(viewer.id, "vera's");
    const auth = { authorization: `Bearer ${token}` };
    expect((await enginesRoute.GET(send("GET", undefined, auth), none)).status).toBe(200);
    expect((await add({ name: "viewer's", url: engine.host }, auth)).status).toBe(403);
    expect((await engineRoute.PATCH(send("PATCH", { concurrency: 5 }, auth), idParams(added.id))).status).toBe(403);
    expect((await engineRoute.DELETE(send("DELETE", undefined, auth), idParams(added.id))).status).toBe(403);
    expect((await list()).find((e) => e.id === added.id)!.concurrency).toBe(2);
  });

  it("changes an engine's concurrency and name", async () => {
    const changed = await json<Engine>(await engineRoute.PATCH(send("PATCH", { concurrency: 4 }), idParams(added.id)), 200);
    expect(changed.concurrency).toBe(4);
    expect((await list()).find((e) => e.id === added.id)!.concurrency).toBe(4);
    expect((await json<Engine>(await engineRoute.PATCH(send("PATCH", { name: "second engine" }), idParams(added.id)), 200)).name).toBe("second engine");
    expect((await json<{ error: string }>(await engineRoute.PATCH(send("PATCH", { name: "default" }), idParams(added.id)), 409)).error).toBe("an engine is already called default");
    expect((await json<{ error: string }>(await engineRoute.PATCH(send("PATCH", { concurrency: 0 }), idParams(added.id)), 400)).error).toBe("concurrency: must be at least 1");
    expect((await json<{ error: string }>(await engineRoute.PATCH(send("PATCH", {}), idParams(added.id)), 400)).error).toBe("give a name or a concurrency to change");
  });

  it("keeps the default engine to the environment: no change, no removal (409)", async () => {
    const patched = await json<{ error: string }>(await engineRoute.PATCH(send("PATCH", { concurrency: 8 }), idParams("default")), 409);
    expect(patched.error).toMatch(/set by DOCKER_HOST \/ KOBUILD_BUILDS_PER_ENGINE/);
    expect((await json<{ error: string }>(await engineRoute.DELETE(send("DELETE"), idParams("default")), 409)).error).toMatch(/set by DOCKER_HOST/);
    expect((await list()).find((e) => e.isDefault)!.concurrency).toBe(Number(process.env.KOBUILD_BUILDS_PER_ENGINE || 1));
  });

  it("answers 404 for an unknown engine and 400 for an id that is no id", async () => {
    expect((await json<{ error: string }>(await engineRoute.GET(send("GET"), idParams("eng_00000000")), 404)).error).toBe("no engine with id eng_00000000");
    expect((await engineRoute.DELETE(send("DELETE"), idParams("eng_00000000"))).status).toBe(404);
    expect((await json<{ error: string }>(await engineRoute.GET(send("GET"), idParams("../x")), 400)).error).toBe("id: must be an engine id");
  });

  it("refuses to remove an engine with a queued build, naming it, then removes it keeping the finished build's and image's history", async () => {
    const db = getDb();
    const image = db.insert(images).values({ dockerId: "sha256:0123", engineId: added.id }).returning().get();
    const build = db.insert(builds).values({ status: "queued", engineId: added.id, imageId: image.id }).returning().get();
    const counted = (await list()).find((e) => e.id === added.id)!;
    expect(counted).toMatchObject({ queued: 1, running: 0 });

    const refused = await json<{ error: string }>(await engineRoute.DELETE(send("DELETE"), idParams(added.id)), 409);
    expect(refused.error).toBe(`the engine second engine has builds queued or running: #${build.id} (queued); cancel them or wait until they end`);
    expect((await list()).some((e) => e.id === added.id)).toBe(true);

    db.update(builds).set({ status: "succeeded", finishedAt: new Date() }).where(eq(builds.id, build.id)).run();
    const removed = await engineRoute.DELETE(send("DELETE"), idParams(added.id));
    expect(removed.status).toBe(204);
    expect((await list()).map((e) => e.id)).toEqual(["default"]);
    expect(db.select().from(engines).where(eq(engines.id, added.id)).get()).toBeUndefined();
    expect(db.select().from(builds).where(eq(builds.id, build.id)).get()).toMatchObject({ status: "succeeded", engineId: null, imageId: image.id });
    expect(db.select().from(images).where(eq(images.id, image.id)).get()).toMatchObject({ dockerId: "sha256:0123", engineId: null });
  });
});
