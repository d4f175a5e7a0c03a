import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCKER } from "./helpers/driver-build";
import { add, json, list, until, type Engine } from "./helpers/engines-api";
import { importBusybox, privateEngine } from "./helpers/private-engine";
import { freshDataDir } from "./helpers/sample-data-dir";
import { certificateAuthority } from "./helpers/tls-certificates";

// An engine reached over tcp:// with TLS both ways, as DOCKER_TLS_VERIFY
// engines are: a dockerd of the test's own that demands a client certificate
// signed by its CA, added, used, stopped and started through kobuild.

const dataDir = freshDataDir("engine-tls");
const certs = path.join(dataDir, "certs");
const ca = certificateAuthority(path.join(certs, "ca"), "kobuild engine CA");
const stranger = certificateAuthority(path.join(certs, "stranger"), "some other CA");
const client = ca.client(path.join(certs, "client"));
const engine = privateEngine("engine-tls", { tls: ca.server(path.join(certs, "server")) });

// A client certificate from another CA, beside the right ca.pem: kobuild trusts the engine, the engine not it.
const foreignClient = stranger.client(path.join(certs, "foreign-client"));
fs.copyFileSync(ca.caPem, foreignClient.ca);
// The right client certificate beside another CA's ca.pem: the engine would trust kobuild, kobuild not the engine.
const foreignCa = ca.client(path.join(certs, "foreign-ca"));
fs.copyFileSync(stranger.caPem, foreignCa.ca);

const { getEngineRow } = await import("@/lib/engines/engine-store");
const { clientForEngine } = await import("@/lib/engines/engine-clients");

/** The docker CLI over TCP with a certificate directory, as a person would check the engine by hand. */
const dockerOverTls = (certPath: string, args: string[]) =>
  execFileSync(DOCKER, ["-H", engine.tcpHost, "--tlsverify", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, DOCKER_CERT_PATH: certPath } });

beforeAll(async () => {
  await engine.start();
});

afterAll(async () => {
  await engine.destroy();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("an engine over tcp:// with TLS client certificates", () => {
  let added: Engine;

  it("is a real TLS engine: the docker CLI gets in with the client directory, private keys are the owner's only", () => {
    expect(fs.readdirSync(client.dir).sort()).toEqual(["ca.pem", "cert.pem", "key.pem"]);
    for (const key of [client.key, foreignClient.key, path.join(certs, "ca", "ca-key.pem"), path.join(certs, "server", "key.pem")]) {
      expect((fs.statSync(key).mode & 0o777).toString(8), key).toBe("600");
    }
    const version = engine.docker(["version", "--format", "{{.Server.Version}}"]).trim();
    expect(dockerOverTls(client.dir, ["version", "--format", "{{.Server.Version}}"]).trim()).toBe(version);
    expect(() => dockerOverTls(foreignClient.dir, ["version"])).toThrow(/bad certificate/);
  });

  it("refuses the address without a certificate directory (422): the engine speaks TLS only", async () => {
    const body = await json<{ error: string }>(await add({ name: "tls engine", url: engine.tcpHost }), 422);
    expect(body.error).toBe(
      `the engine at ${engine.tcpHost} did not answer: the engine speaks TLS only: give a certificate directory with ca.pem, cert.pem and key.pem (a client certificate it trusts)`,
    );
    expect((await list()).map((e) => e.name)).toEqual(["default"]);
  });

  it("refuses a client certificate of another CA (422): the engine refused it", async () => {
    const body = await json<{ error: string }>(await add({ name: "tls engine", url: engine.tcpHost, certPath: foreignClient.dir }), 422);
    expect(body.error).toBe(
      `the engine at ${engine.tcpHost} did not answer: the engine refused the client certificate (TLS): cert.pem is not signed by a CA the engine trusts, or has expired`,
    );
    expect((await list()).map((e) => e.name)).toEqual(["default"]);
  });

  it("refuses an engine whose certificate ca.pem did not sign (422): kobuild verifies the server", async () => {
    const body = await json<{ error: string }>(await add({ name: "tls engine", url: engine.tcpHost, certPath: foreignCa.dir }), 422);
    expect(body.error).toBe(`the engine at ${engine.tcpHost} did not answer: the engine's own certificate is not signed by the CA in ca.pem (TLS): kobuild does not trust it`);
    expect((await list()).map((e) => e.name)).toEqual(["default"]);
  });

  it("adds it with the client directory (201) and lists it as up with its Docker version", async () => {
    added = await json<Engine>(await add({ name: "tls engine", url: engine.tcpHost, certPath: client.dir }), 201);
    expect(added).toMatchObject({ name: "tls engine", kind: "tcp", url: engine.tcpHost, certPath: client.dir });
    const version = engine.docker(["version", "--format", "{{.Server.Version}}"]).trim();
    const listed = (await list()).find((e) => e.id === added.id)!;
    expect(listed.health).toMatchObject({ reachable: true, version, error: null });
  });

  it("does real work through kobuild's client: an image imported over TLS is on that engine, not on the default one", async () => {
    const ref = `kobuild-tls/busybox:${process.pid}`;
    const tlsClient: Docker = clientForEngine(getEngineRow(added.id));
    await importBusybox(tlsClient, ref);
    const tags = (await tlsClient.listImages()).flatMap((image) => image.RepoTags ?? []);
    expect(tags).toContain(ref);
    // Seen from the engine's own socket: the very engine kobuild reached over TLS.
    expect(engine.docker(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"]).split("\n")).toContain(ref);
    expect(execFileSync(DOCKER, ["image", "ls", "--quiet", ref], { encoding: "utf8" }).trim()).toBe("");
  });

  it("shows it down with the reason once stopped, and up again on the same address once started", async () => {
    await engine.stop("SIGTERM");
    const down = await until("the stopped TLS engine", async () => (await list()).find((e) => e.id === added.id)!, (e) => !e.health.reachable);
    expect(down.health).toMatchObject({ version: null, error: "connection refused" });
    await engine.start();
    const up = await until("the TLS engine started again", async () => (await list()).find((e) => e.id === added.id)!, (e) => e.health.reachable);
    expect(up.url).toBe(engine.tcpHost);
    expect(up.health.version).toMatch(/^\d+\.\d+/);
  });
});
