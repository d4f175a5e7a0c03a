// `npm run backup` against a running dashboard with data in it, then the
// README's restore procedure into a fresh data directory, and a second
// dashboard on the restored copy: the users, tokens, builds with their logs
// and webhooks are there, and the webhook's sealed secret still opens (a
// ping reaches a receiver here signed with the secret given at the start).
import { execFileSync, spawn } from "node:child_process";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardAuth, startDashboard, type DashboardProcess } from "./helpers/dashboard-process";
import { repoRoot } from "./helpers/driver-build";
import { freshDataDir } from "./helpers/sample-data-dir";
import { until } from "./helpers/until";

const dataDir = freshDataDir("backup");
const PORT = Number(process.env.KOBUILD_E2E_PORT ?? 3100) + 60;
const RECEIVER_PORT = PORT + 2;
const NONCE = randomBytes(6).toString("hex");
const SECRET = `whsec-${randomBytes(18).toString("base64url")}`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-backup-out-"));
const backupsDir = path.join(work, "backups");
const restoredDir = path.join(work, "restored");

/** The restore procedure exactly as README's "Backup and restore" gives it. */
const RESTORE = ['install -d -m 0700 "$NEW_DATA_DIR"', 'install -m 0600 "$BACKUP"/kobuild.db "$BACKUP"/secret.key "$BACKUP"/instance-id "$NEW_DATA_DIR"/'];

type Received = { path: string; headers: http.IncomingHttpHeaders; body: Buffer };
const received: Received[] = [];
let receiver: http.Server;
const dashboards: DashboardProcess[] = [];
let original: DashboardProcess;
let viewerToken = "";

async function api<T>(dashboard: DashboardProcess, pathname: string, body?: unknown, auth: Record<string, string> = dashboardAuth): Promise<{ status: number; body: T }> {
  const response = await fetch(`${dashboard.url}${pathname}`, body === undefined ? { headers: auth } : { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: (text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : text) as T };
}

function validSignature(got: Received, secret: string) {
  const header = String(got.headers["x-kobuild-signature-256"] ?? "");
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(got.body).digest("hex")}`);
  return header.length === expected.length && timingSafeEqual(Buffer.from(header), expected);
}

function runBackup(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", "backup", "--", "--out", backupsDir], { cwd: repoRoot, env: { ...process.env, KOBUILD_DATA_DIR: dataDir }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code: number | null) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

type Build = { id: number; status: string };

beforeAll(async () => {
  receiver = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      received.push({ path: request.url ?? "/", headers: request.headers, body: Buffer.concat(chunks) });
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(RECEIVER_PORT, "127.0.0.1", resolve));
  original = await startDashboard(dataDir, PORT, {});
  dashboards.push(original);
}, 120_000);

afterAll(async () => {
  for (const dashboard of dashboards) await dashboard.kill("SIGKILL");
  await new Promise((resolve) => receiver?.close(resolve));
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
}, 120_000);

describe("backup and restore", () => {
  let finished: Build;
  let backupDir = "";

  it("backs up the database and the key while the dashboard runs and writes to it", async () => {
    expect((await api(original, "/api/users", { name: "backup-viewer", role: "viewer", password: "a long enough password" })).status).toBe(201);
    const token = await api<{ token: string }>(original, "/api/tokens", { name: "ci", user: "backup-viewer" });
    expect(token.status).toBe(201);
    viewerToken = token.body.token;
    const hook = await api<{ id: number }>(original, "/api/webhooks", { url: `http://127.0.0.1:${RECEIVER_PORT}/hook`, events: ["build.failed"], secret: SECRET });
    expect(hook.status).toBe(201);

    const checkout = path.join(dataDir, "checkouts", "fails");
    fs.mkdirSync(checkout, { recursive: true });
    fs.writeFileSync(path.join(checkout, "Dockerfile"), `FROM kobuild/toolchain:bookworm-1\nRUN for i in $(seq 1 2000); do echo "line $i ${NONCE}"; done && exit 3\n`);
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=kobuild test", "-c", "user.email=test@kobuild.invalid", ...args], { cwd: checkout, stdio: "pipe" });
    git("init", "-q", "-b", "master");
    git("add", ".");
    git("commit", "-qm", "fails");
    const workspace = await api<{ id: number }>(original, "/api/workspaces", { name: "fails", path: checkout, dockerfile: "Dockerfile", network: "none" });
    expect(workspace.status).toBe(201);
    const first = await api<Build>(original, "/api/builds", { workspaceId: workspace.body.id, builder: "classic" });
    finished = await until("the first build to end", async () => (await api<Build>(original, `/api/builds/${first.body.id}`)).body, (b) => b.status === "failed", 120_000);

    // A second build writes its log while the backup copies the database.
    const second = await api<Build>(original, "/api/builds", { workspaceId: workspace.body.id, builder: "classic", noCache: true });
    expect(second.status).toBe(201);
    const run = await runBackup();
    expect(run.code, run.stderr).toBe(0);
    backupDir = /backup written to (\S+)/.exec(run.stdout)?.[1] ?? "";
    expect(path.dirname(backupDir)).toBe(backupsDir);
    expect(run.stdout).toMatch(/kobuild\.db {2}\d+ bytes {2}sha256 [0-9a-f]{64}/);
    expect(run.stdout).toMatch(/secret key: the data directory's secret\.key/);
    expect(run.stdout).toMatch(/integrity check ok/);
    expect(run.stdout).toMatch(/not in the backup: bundles\//);

    expect(fs.readdirSync(backupsDir)).toEqual([path.basename(backupDir)]);
    expect(fs.statSync(backupsDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(backupDir).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(backupDir).sort()).toEqual(["backup.json", "instance-id", "kobuild.db", "secret.key"]);
    for (const file of fs.readdirSync(backupDir)) expect(fs.statSync(path.join(backupDir, file)).mode & 0o777, file).toBe(0o600);
    expect(fs.readFileSync(path.join(backupDir, "secret.key"))).toEqual(fs.readFileSync(path.join(dataDir, "secret.key")));
    // The secret is sealed in the copy, never in plain text.
    expect(fs.readFileSync(path.join(backupDir, "kobuild.db")).includes(Buffer.from(SECRET))).toBe(false);

    // The dashboard went on as if nothing happened.
    expect((await api(original, "/api/health")).status).toBe(200);
    await until("the second build to end", async () => (await api<Build>(original, `/api/builds/${second.body.id}`)).body, (b) => b.status === "failed", 120_000);
  }, 300_000);

  it("restores by the README's procedure into a fresh data directory, where everything is, and the sealed secret opens", async () => {
    expect(backupDir).not.toBe("");
    execFileSync("bash", ["-euc", RESTORE.join("\n")], { env: { ...process.env, BACKUP: backupDir, NEW_DATA_DIR: restoredDir }, stdio: "pipe" });
    const restored = await startDashboard(restoredDir, PORT + 1, {});
    dashboards.push(restored);

    // The token made on the original works here: its hash came along.
    const builds = await api<{ builds: Build[] }>(restored, "/api/builds", undefined, { authorization: `Bearer ${viewerToken}` });
    expect(builds.status).toBe(200);
    expect(builds.body.builds.find((b) => b.id === finished.id)).toMatchObject({ status: "failed" });
    const log = await api<string>(restored, `/api/builds/${finished.id}/logs`, undefined, { authorization: `Bearer ${viewerToken}` });
    expect(log.body).toContain(`line 2000 ${NONCE}`);
    const users = await api<{ users: { name: string; role: string }[] }>(restored, "/api/users");
    expect(users.body.users).toEqual(expect.arrayContaining([expect.objectContaining({ name: "backup-viewer", role: "viewer" })]));
    expect(fs.readFileSync(path.join(restoredDir, "instance-id"), "utf8")).toBe(fs.readFileSync(path.join(dataDir, "instance-id"), "utf8"));

    const hooks = await api<{ webhooks: { id: number; url: string }[] }>(restored, "/api/webhooks");
    const hook = hooks.body.webhooks.find((h) => h.url === `http://127.0.0.1:${RECEIVER_PORT}/hook`)!;
    expect(hook).toBeDefined();
    const before = received.length;
    expect((await api(restored, `/api/webhooks/${hook.id}/ping`, {})).status).toBe(201);
    const pings = await until("the ping from the restored dashboard", () => received.slice(before).filter((r) => r.headers["x-kobuild-event"] === "ping"), (p) => p.length === 1);
    // Signed with the secret given to the original: the restored key opened the sealed copy.
    expect(validSignature(pings[0]!, SECRET)).toBe(true);
  }, 300_000);
});
