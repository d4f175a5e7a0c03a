import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { chromium, type Browser, type Page } from "@playwright/test";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardAuth, dashboardToken, startDashboard, type DashboardProcess } from "./helpers/dashboard-process";
import { groupRss } from "./helpers/process-memory";
import { freshDataDir } from "./helpers/sample-data-dir";

// What the built dashboard does about requests that ride a session cookie
// from elsewhere, guessed passwords, big bodies, secrets in DOCKER_HOST,
// sessions that should have ended, and files others could read: as its own
// process, over HTTP, with a real browser where a browser is the point.

const dataDir = freshDataDir("access");
const PORT = Number(process.env.KOBUILD_E2E_PORT ?? 3440);
const HOSTILE_PORT = PORT + 1;
// An engine address with a password in it, on a port where nothing listens.
const ENGINE_PASSWORD = `hunter2-${process.pid}`;
const DOCKER_HOST = `tcp://builder:${ENGINE_PASSWORD}@127.0.0.1:9`;
const serverDir = path.join(dataDir, "dashboard");
const wrappers = path.join(dataDir, "wrappers");
const childEnvLog = path.join(dataDir, "child-env.log");

let dashboard: DashboardProcess;
let browser: Browser;
let hostile: http.Server;

/** git and ssh as kobuild starts them, recording the environment they were given, then doing their job (ssh: failing). */
function writeWrappers() {
  fs.mkdirSync(wrappers, { recursive: true });
  const git = process.env.PATH!.split(":").map((d) => path.join(d, "git")).find((f) => fs.existsSync(f))!;
  fs.writeFileSync(path.join(wrappers, "git"), `#!/bin/sh\n{ echo "git:"; env; } >> ${childEnvLog}\nexec ${git} "$@"\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(wrappers, "ssh"), `#!/bin/sh\n{ echo "ssh:"; env; } >> ${childEnvLog}\necho "ssh: connect to host example port 22: Connection refused" >&2\nexit 255\n`, { mode: 0o755 });
}

/** Files left by a crash in the middle of an upload and of a bundle's delete. */
function writeLeftovers() {
  const bundles = path.join(serverDir, "bundles");
  fs.mkdirSync(path.join(bundles, ".incoming"), { recursive: true });
  fs.mkdirSync(path.join(bundles, ".trash"), { recursive: true });
  fs.writeFileSync(path.join(bundles, ".incoming", "0123456789abcdef0123456789abcdef.part"), "half an upload");
  fs.writeFileSync(path.join(bundles, ".trash", "0123456789abcdef-bundle-5.4.0-1055-gcp.tgz"), "a deleted bundle");
  fs.mkdirSync(path.join(serverDir, "engine-work"), { recursive: true });
  fs.writeFileSync(path.join(serverDir, "engine-work", "77.json.part"), "{\"dockerHost\":");
}

const start = (env: Record<string, string> = {}) =>
  startDashboard(serverDir, PORT, {
    DOCKER_HOST,
    PATH: `${wrappers}:${process.env.PATH}`,
    KOBUILD_SECRET_KEY: "ab".repeat(32),
    KOBUILD_MAX_JSON_BYTES: String(64 * 1024),
    KOBUILD_MAX_EVENT_STREAMS: "3",
    KOBUILD_MAX_EVENT_STREAMS_PER_BUILD: "2",
    KOBUILD_SESSION_IDLE_MINUTES: "30",
    ...env,
  });

beforeAll(async () => {
  fs.mkdirSync(serverDir, { recursive: true, mode: 0o755 });
  writeWrappers();
  writeLeftovers();
  dashboard = await start();
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
  // A page on another port of the same host: what SameSite=Lax cookies still ride along from.
  hostile = http
    .createServer((_req, res) => {
      res.setHeader("content-type", "text/html");
      res.end(`<!doctype html><form id="f" method="POST" enctype="text/plain" action="${dashboard.url}/api/users">
        <input name='{"name":"mallory","role":"admin","password":"mallory password 1","x":"' value='"}'></form>
        <script>document.getElementById("f").submit()</script>`);
    })
    .listen(HOSTILE_PORT, "127.0.0.1");
}, 120_000);

afterAll(async () => {
  connection?.close();
  hostile?.close();
  await browser?.close();
  await dashboard?.kill("SIGTERM");
});

const url = (p: string) => `${dashboard.url}${p}`;
const json = (body: unknown, headers: Record<string, string> = {}) => ({ method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
let connection: Database.Database | null = null;
/** The dashboard's own database, read and changed beside it (SQLite in WAL mode takes both). */
const db = () => (connection ??= new Database(path.join(serverDir, "kobuild.db")));
/** What the database keeps of a session cookie: its value's sha256. */
const hashOf = (cookie: string) => createHash("sha256").update(decodeURIComponent(cookie.split("=")[1]!)).digest("hex");

async function addUser(name: string, role: string, password: string) {
  const response = await fetch(url("/api/users"), json({ name, role, password }, dashboardAuth));
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { id: number }).id;
}

/** Signs in through POST /api/session as the sign-in page does; the session cookie, as a Cookie header. */
async function signIn(name: string, password: string, address = "192.0.2.1") {
  const response = await fetch(url("/api/session"), json({ name, password }, { "x-forwarded-for": address }));
  expect(response.status, await response.clone().text()).toBe(200);
  return /kobuild_session=[^;]+/.exec(response.headers.get("set-cookie") ?? "")![0];
}

/** Signs in on the sign-in page, as a person would. */
async function signInWithBrowser(page: Page, name: string, password: string) {
  await page.goto(url("/login"));
  await page.getByLabel("User name").fill(name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("signed-in-as").waitFor();
}

describe("a change that rides the session cookie", () => {
  it("from a page of another port is refused: the hostile form in a real browser creates no admin", async () => {
    await addUser("alice", "admin", "alice password 1");
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWithBrowser(page, "alice", "alice password 1");
    const answer = page.waitForResponse((r) => r.url() === url("/api/users"));
    await page.goto(`http://127.0.0.1:${HOSTILE_PORT}/`);
    expect((await answer).status()).toBe(403);
    const users = (await (await fetch(url("/api/users"), { headers: dashboardAuth })).json()) as { users: { name: string }[] };
    expect(users.users.map((u) => u.name)).not.toContain("mallory");
    await context.close();
  });

  it("needs the dashboard's own origin (or Sec-Fetch-Site: same-origin), and JSON (415 otherwise); a bearer token needs neither", async () => {
    const cookie = await signIn("alice", "alice password 1");
    const body = { name: "bob", role: "viewer", password: "bob password 123" };
    const sameSite = await fetch(url("/api/users"), json(body, { cookie, origin: dashboard.url, "sec-fetch-site": "same-site" }));
    expect(sameSite.status).toBe(403);
    expect(((await sameSite.json()) as { error: string }).error).toMatch(/another origin/);
    expect((await fetch(url("/api/users"), json(body, { cookie, origin: `http://127.0.0.1:${HOSTILE_PORT}` }))).status).toBe(403);
    expect((await fetch(url("/api/users"), json(body, { cookie, origin: "http://kobuild.example.com" }))).status).toBe(403);
    const plain = await fetch(url("/api/users"), { method: "POST", headers: { cookie, origin: dashboard.url, "content-type": "text/plain" }, body: JSON.stringify(body) });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toMatchObject({ code: "unsupported_media_type" });
    // Behind a proxy: the host the browser asked for comes in X-Forwarded-Host.
    const proxied = await fetch(url("/api/users"), json(body, { cookie, origin: "https://kobuild.example.com", "x-forwarded-host": "kobuild.example.com", "x-forwarded-proto": "https" }));
    expect(proxied.status).toBe(201);
    expect((await fetch(url("/api/users"), json({ ...body, name: "carol" }, { cookie, "sec-fetch-site": "same-origin" }))).status).toBe(201);
    // A token is meant: no origin rule for it, but still JSON.
    expect((await fetch(url("/api/users"), json({ ...body, name: "dave" }, { ...dashboardAuth, origin: "http://elsewhere.example" }))).status).toBe(201);
    expect((await fetch(url("/api/users"), { method: "POST", headers: { ...dashboardAuth, "content-type": "text/plain" }, body: JSON.stringify({ ...body, name: "erin" }) })).status).toBe(415);
  });

  it("with a malformed cookie is nobody (401), not an error", async () => {
    const response = await fetch(url("/api/builds"), { headers: { cookie: "kobuild_session=%E0%A4%A" } });
    expect(response.status).toBe(401);
  });
});

describe("a JSON body", () => {
  it("over KOBUILD_MAX_JSON_BYTES is refused with 413 while it is still being sent, and never held whole", async () => {
    // An operator: a viewer is refused (403) before the body is read at all.
    await addUser("olga", "operator", "olga password 1");
    const operator = await fetch(url("/api/tokens"), json({ name: "operator's", user: "olga" }, dashboardAuth));
    const { token } = (await operator.json()) as { token: string };
    const rssBefore = groupRss(dashboard.child.pid!);
    const total = 256 * 1024 * 1024;
    const { status, sent } = await postUntilAnswered(url("/api/builds/plan"), token, total);
    expect(status).toBe(413);
    // The server answered and stopped reading long before the body's end...
    expect(sent).toBeLessThan(total / 4);
    // ...and did not keep what it read.
    expect(groupRss(dashboard.child.pid!) - rssBefore).toBeLessThan(64 * 1024 * 1024);
  });
});

describe("DOCKER_HOST with a password", () => {
  it("shows no password to anyone: /api/health, the pages' HTML, Settings, the engines", async () => {
    const health = await (await fetch(url("/api/health"))).text();
    expect(health).toContain("tcp://builder@127.0.0.1:9");
    const cookie = await signIn("alice", "alice password 1");
    for (const page of ["/login", "/", "/settings", "/builds", "/api/engines", "/api/health"]) {
      const text = await (await fetch(url(page), { headers: { cookie } })).text();
      expect(text, page).not.toContain(ENGINE_PASSWORD);
    }
  });
});

describe("sign-in", () => {
  it("locks a name after repeated failures: 429 with Retry-After, even for the right password, and the page says when", async () => {
    await addUser("frank", "viewer", "frank password 1");
    const attempt = (password: string, address: string) => fetch(url("/api/session"), json({ name: "frank", password }, { "x-forwarded-for": address }));
    for (let i = 0; i < 5; i++) expect((await attempt(`wrong ${i}`, `198.51.100.${i}`)).status).toBe(401);
    expect((await attempt("wrong 5", "198.51.100.5")).status).toBe(401);
    const locked = await attempt("frank password 1", "198.51.100.6");
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await locked.json()) as { error: string }).error).toMatch(/too many failed sign-ins for this name or address: try again in \d+ s/);

    const page = await browser.newPage();
    await page.goto(url("/login"));
    await page.getByLabel("User name").fill("frank");
    await page.getByLabel("Password").fill("frank password 1");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: /Try again at .+ \(in \d+ s\)/ }).waitFor();
    await page.screenshot({ path: path.join(dataDir, "sign-in-locked.png") });
    fs.mkdirSync(path.join("e2e", ".artifacts", "screenshots"), { recursive: true });
    fs.copyFileSync(path.join(dataDir, "sign-in-locked.png"), path.join("e2e", ".artifacts", "screenshots", "sign-in-locked.png"));
    await page.close();
  });

  it("locks an address that tries many names, and records refusals in the audit log without a row per attempt", async () => {
    // 20 free failures; the 21st is refused and locks the address.
    for (let i = 0; i < 21; i++) expect((await fetch(url("/api/session"), json({ name: `guess-${i}`, password: "x" }, { "x-forwarded-for": "203.0.113.9" }))).status).toBe(401);
    for (let i = 21; i < 40; i++) expect((await fetch(url("/api/session"), json({ name: `guess-${i}`, password: "x" }, { "x-forwarded-for": "203.0.113.9" }))).status).toBe(429);
    // Another address still gets in.
    expect((await fetch(url("/api/session"), json({ name: "alice", password: "alice password 1" }, { "x-forwarded-for": "203.0.113.10" }))).status).toBe(200);
    const rows = db().prepare("select actor, action from audit_log where action like 'sign in refused%'").all() as { actor: string; action: string }[];
    // frank failed 6 times: his first refusal and the lock are recorded, and his 429s not at all.
    expect(rows.filter((r) => r.actor === "frank").map((r) => r.action)).toEqual(["sign in refused", "sign in refused; locked for 30 s after repeated failures"]);
    // One row per name tried (the last one's says the address is locked), none for the 19 never tried.
    expect(rows.filter((r) => r.actor.startsWith("guess-"))).toHaveLength(21);
  });

  it("hashes at most a few passwords at once: a burst beyond the queue is refused at once with 429", async () => {
    const burst = await Promise.all(
      Array.from({ length: 90 }, (_, i) => fetch(url("/api/session"), json({ name: `burst-${i}`, password: "x" }, { "x-forwarded-for": `10.${i}.0.1` })).then(async (r) => ({ status: r.status, body: await r.text() }))),
    );
    const refused = burst.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(r.body).toMatch(/too many sign-ins at once/);
    expect(burst.filter((r) => r.status === 401).length).toBe(90 - refused.length);
  });
});

describe("sessions", () => {
  it("end when idle longer than KOBUILD_SESSION_IDLE_MINUTES; use keeps them alive", async () => {
    const cookie = await signIn("alice", "alice password 1", "192.0.2.50");
    expect((await fetch(url("/api/builds"), { headers: { cookie } })).status).toBe(200);
    const hash = hashOf(cookie);
    // 29 minutes ago: still alive, and the request counts as use.
    db().prepare("update sessions set last_seen_at = ? where token_hash = ?").run(Date.now() - 29 * 60_000, hash);
    expect((await fetch(url("/api/builds"), { headers: { cookie } })).status).toBe(200);
    expect((db().prepare("select last_seen_at as t from sessions where token_hash = ?").get(hash) as { t: number }).t).toBeGreaterThan(Date.now() - 60_000);
    db().prepare("update sessions set last_seen_at = ? where token_hash = ?").run(Date.now() - 31 * 60_000, hash);
    expect((await fetch(url("/api/builds"), { headers: { cookie } })).status).toBe(401);
  });

  it("and open event streams end at once when the user is disabled; a revoked token's streams too", async () => {
    const grace = await addUser("grace", "viewer", "grace password 1");
    const cookie = await signIn("grace", "grace password 1", "192.0.2.60");
    const buildId = runningBuild();
    const stream = await fetch(url(`/api/builds/${buildId}/events`), { headers: { cookie } });
    expect(stream.status).toBe(200);
    const ended = readToEnd(stream);
    expect((await fetch(url(`/api/users/${grace}`), { method: "DELETE", headers: dashboardAuth })).status).toBe(200);
    const { text } = await ended;
    expect(text).toContain("event: state");
    expect(text).not.toContain("event: end");
    expect(sessionHashes("grace")).toEqual([]);
    expect((await fetch(url("/api/builds"), { headers: { cookie } })).status).toBe(401);

    const created = (await (await fetch(url("/api/tokens"), json({ name: "short-lived", user: "alice" }, dashboardAuth))).json()) as { id: number; token: string };
    const tokenStream = await fetch(url(`/api/builds/${buildId}/events`), { headers: { authorization: `Bearer ${created.token}` } });
    const tokenEnded = readToEnd(tokenStream);
    expect((await fetch(url(`/api/tokens/${created.id}`), { method: "DELETE", headers: dashboardAuth })).status).toBe(200);
    expect((await tokenEnded).text).not.toContain("event: end");
  });

  it("end everywhere when the password changes, and this browser stays signed in", async () => {
    await addUser("heidi", "operator", "heidi password 1");
    const other = await signIn("heidi", "heidi password 1", "192.0.2.70");
    const page = await browser.newPage();
    await signInWithBrowser(page, "heidi", "heidi password 1");
    await page.goto(url("/settings"));
    await page.getByLabel("Current password").fill("heidi password 1");
    await page.getByLabel("New password").fill("heidi password 2");
    await page.getByRole("button", { name: /change password/i }).click();
    await page.getByRole("status").filter({ hasText: "Password changed; your other sessions were signed out." }).waitFor();
    expect((await fetch(url("/api/builds"), { headers: { cookie: other } })).status).toBe(401);
    await page.goto(url("/builds"));
    expect(page.url()).toBe(url("/builds"));
    expect(sessionHashes("heidi")).toHaveLength(1);
    await page.close();
  });
});

describe("live event streams", () => {
  it("are bounded per build and in all, with a clear 429", async () => {
    const cookie = await signIn("alice", "alice password 1", "192.0.2.80");
    const [a, b] = [runningBuild(), runningBuild()];
    const open = (id: number) => fetch(url(`/api/builds/${id}/events`), { headers: { cookie } });
    const streams = [await open(a), await open(a)];
    expect(streams.map((s) => s.status)).toEqual([200, 200]);
    const third = await open(a);
    expect(third.status).toBe(429);
    expect(((await third.json()) as { error: string }).error).toMatch(/already open for this build \(KOBUILD_MAX_EVENT_STREAMS_PER_BUILD\)/);
    streams.push(await open(b));
    expect(streams[2]!.status).toBe(200);
    const fourth = await open(b);
    expect(fourth.status).toBe(429);
    expect(((await fourth.json()) as { error: string }).error).toMatch(/\(KOBUILD_MAX_EVENT_STREAMS\)/);
    // A stream closed gives its place back.
    await streams.shift()!.body!.cancel();
    await expectEventually(async () => (await open(b)).status === 200 || undefined);
  });
});

describe("pages and answers", () => {
  it("carry security headers; the pages' policy lets Next's own scripts run (the browser signs in) and nothing else", async () => {
    const page = await (await fetch(url("/login"))).headers;
    const csp = page.get("content-security-policy")!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    const api = (await fetch(url("/api/health"))).headers;
    expect(api.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    for (const headers of [page, api]) {
      expect(headers.get("x-content-type-options")).toBe("nosniff");
      expect(headers.get("x-frame-options")).toBe("DENY");
      expect(headers.get("referrer-policy")).toBe("same-origin");
    }
    // Two answers, two nonces.
    expect((await fetch(url("/login"))).headers.get("content-security-policy")).not.toBe(csp);

    const browserPage = await browser.newPage();
    const violations: string[] = [];
    browserPage.on("console", (m) => {
      if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
    });
    await signInWithBrowser(browserPage, "alice", "alice password 1");
    await browserPage.goto(url("/builds"));
    await browserPage.goto(url("/settings"));
    expect(violations).toEqual([]);
    await browserPage.close();
  });
});

describe("the data directory", () => {
  it("is 0700, and the database with its -wal and -shm 0600", () => {
    expect(fs.statSync(serverDir).mode & 0o777).toBe(0o700);
    for (const f of ["kobuild.db", "kobuild.db-wal", "kobuild.db-shm"]) expect(fs.statSync(path.join(serverDir, f)).mode & 0o777, f).toBe(0o600);
  });

  it("holds nothing a crash left: unfinished uploads, deleted bundles and half-written notes are gone at start-up", () => {
    expect(fs.readdirSync(path.join(serverDir, "bundles", ".incoming"))).toEqual([]);
    expect(fs.readdirSync(path.join(serverDir, "bundles", ".trash"))).toEqual([]);
    expect(fs.readdirSync(path.join(serverDir, "engine-work"))).toEqual([]);
    // The log's JSON line says what was cleaned.
    const cleaned = fs
      .readFileSync(dashboard.log, "utf8")
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((entry) => entry.msg === "cleaned what a previous start left");
    expect(cleaned).toMatchObject({ level: "info", unfinishedUploadsRemoved: 1, bundlesPutBack: 0, deletedFilesRemoved: 1 });
  });
});

describe("programs kobuild starts", () => {
  it("git and ssh get none of kobuild's secrets", async () => {
    const repo = path.join(dataDir, "repo");
    fs.mkdirSync(repo, { recursive: true });
    const { execFileSync } = await import("node:child_process");
    execFileSync("git", ["init", "-q", "-b", "master", repo]);
    fs.mkdirSync(path.join(repo, "kernel-modules", "dockerized"), { recursive: true });
    fs.writeFileSync(path.join(repo, "kernel-modules", "dockerized", "Dockerfile"), "FROM scratch\n");
    execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@kobuild.invalid", "add", "."]);
    execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@kobuild.invalid", "commit", "-qm", "x"]);
    await fetch(url("/api/workspaces"), json({ name: "env-check", path: repo }, dashboardAuth));
    await fetch(url("/api/engines"), json({ name: "ssh-env-check", url: "ssh://builder@127.0.0.1" }, dashboardAuth));
    const log = fs.readFileSync(childEnvLog, "utf8");
    expect(log).toContain("git:");
    expect(log).toContain("ssh:");
    expect(log).toContain("PATH=");
    for (const secret of [dashboardToken, "ab".repeat(32), "KOBUILD_ADMIN_TOKEN", "KOBUILD_SECRET_KEY", ENGINE_PASSWORD]) expect(log).not.toContain(secret);
  });
});

describe("KOBUILD_ADMIN_TOKEN", () => {
  it("changed, stops the old value at the next start; removed, stops it too", async () => {
    const newToken = `kbt_rotated_${"r".repeat(40)}`;
    await dashboard.kill("SIGTERM");
    dashboard = await start({ KOBUILD_ADMIN_TOKEN: newToken });
    expect((await fetch(url("/api/users"), { headers: dashboardAuth })).status).toBe(401);
    expect((await fetch(url("/api/users"), { headers: { authorization: `Bearer ${newToken}` } })).status).toBe(200);
    expect(fs.readFileSync(dashboard.log, "utf8")).toContain("the previous KOBUILD_ADMIN_TOKEN was changed: its old value no longer works");
    await dashboard.kill("SIGTERM");
    dashboard = await start({ KOBUILD_ADMIN_TOKEN: "" });
    expect((await fetch(url("/api/users"), { headers: { authorization: `Bearer ${newToken}` } })).status).toBe(401);
    expect(fs.readFileSync(dashboard.log, "utf8")).toContain("the previous KOBUILD_ADMIN_TOKEN was removed");
  });
});

/** A build row as one the dashboard runs looks while it runs: its events stream stays open. */
function runningBuild(): number {
  const row = db().prepare("insert into builds (status, options, started_at) values ('running', '{}', ?) returning id").get(Date.now()) as { id: number };
  return row.id;
}

function sessionHashes(user: string): string[] {
  return (db().prepare("select s.token_hash as h from sessions s join users u on u.id = s.user_id where u.name = ? order by s.created_at").all(user) as { h: string }[]).map((r) => r.h);
}

async function readToEnd(response: Response) {
  const reader = response.body!.getReader();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text };
    text += Buffer.from(value).toString("utf8");
  }
}

async function expectEventually(check: () => Promise<true | undefined>) {
  for (let i = 0; i < 50; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the condition never held");
}

/** POSTs up to `total` bytes of a JSON body in 1 MiB pieces until the server answers; how many bytes went out by then. */
function postUntilAnswered(target: string, token: string, total: number): Promise<{ status: number; sent: number }> {
  return new Promise((resolve, reject) => {
    const piece = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    let answered = false;
    const request = http.request(target, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "transfer-encoding": "chunked" } }, (response) => {
      answered = true;
      resolve({ status: response.statusCode!, sent });
      request.destroy();
    });
    request.on("error", (error) => (answered ? undefined : reject(error)));
    const pump = () => {
      while (!answered && sent < total) {
        sent += piece.length;
        if (!request.write(piece)) return request.once("drain", pump);
      }
      if (!answered) request.end();
    };
    request.write("{");
    pump();
  });
}
