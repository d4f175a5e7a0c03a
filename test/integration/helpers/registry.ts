import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./loopback-port";

/** Debian's docker-registry package: a real registry, run on loopback for one test file. */
export const REGISTRY_BINARY = "/usr/bin/docker-registry";

export type TestRegistry = { url: string; port: number; username: string; password: string; dir: string; stop: () => Promise<void> };

/**
 * An htpasswd line with a bcrypt hash, as the registry requires. The hash is
 * made by the C library's crypt(3) (libxcrypt knows bcrypt's $2b$) through
 * perl, which every Debian system has: no apache2-utils needed.
 */
export function htpasswdLine(username: string, password: string): string {
  const alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const salt = Array.from(randomBytes(22), (b) => alphabet[b % 64]).join("");
  const hash = execFileSync("perl", ["-e", "print crypt($ARGV[0], $ARGV[1])", password, `$2b$10$${salt}`], { encoding: "utf8" });
  if (!/^\$2b\$10\$.{53}$/.test(hash)) throw new Error(`crypt(3) made no bcrypt hash here: ${hash}`);
  return `${username}:${hash}\n`;
}

/** Starts a registry with basic auth on 127.0.0.1:<free port> and waits until it answers. */
export async function startTestRegistry(): Promise<TestRegistry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-registry-"));
  const port = await freePort();
  const username = "kobuild";
  const password = `pw-${randomBytes(9).toString("hex")}`;
  fs.writeFileSync(path.join(dir, "htpasswd"), htpasswdLine(username, password));
  fs.writeFileSync(
    path.join(dir, "config.yml"),
    [
      "version: 0.1",
      "log:",
      "  level: warn",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${path.join(dir, "data")}`,
      "  delete:",
      "    enabled: true",
      "http:",
      `  addr: 127.0.0.1:${port}`,
      `  secret: ${randomBytes(16).toString("hex")}`,
      "auth:",
      "  htpasswd:",
      "    realm: kobuild-test",
      `    path: ${path.join(dir, "htpasswd")}`,
      "",
    ].join("\n"),
  );
  const log = fs.openSync(path.join(dir, "registry.log"), "a");
  const child: ChildProcess = spawn(REGISTRY_BINARY, ["serve", path.join(dir, "config.yml")], { stdio: ["ignore", log, log] });
  const url = `127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${fs.readFileSync(path.join(dir, "registry.log"), "utf8")}`);
    const status = await fetch(`http://${url}/v2/`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 401) break;
    if (Date.now() > deadline) throw new Error(`docker-registry did not answer on ${url}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    username,
    password,
    dir,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      fs.closeSync(log);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The registry's own answer, read with the right credentials (independent of kobuild). */
export async function registryTags(r: TestRegistry, repository: string): Promise<string[]> {
  const response = await fetch(`http://${r.url}/v2/${repository}/tags/list`, { headers: { authorization: `Basic ${Buffer.from(`${r.username}:${r.password}`).toString("base64")}` } });
  if (response.status === 404) return [];
  return (((await response.json()) as { tags?: string[] | null }).tags ?? []).sort();
}
