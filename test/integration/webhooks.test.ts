import { execFileSync, spawnSync } from "node:child_process";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminRequest } from "./helpers/admin-request";
import { dashboardAuth, startDashboard, type DashboardProcess } from "./helpers/dashboard-process";
import { DOCKER } from "./helpers/driver-build";
import { freshDataDir } from "./helpers/sample-data-dir";
import { until } from "./helpers/until";
import { waitForBuild } from "./helpers/wait-for-build";

// Outgoing webhooks end to end in this process: hooks added through the API
// POST to a real HTTP receiver on 127.0.0.1, which checks each signature with
// its own HMAC; a receiver that fails once gets the delivery again; a real
// build that fails on the engine tells its hooks. Retries wait 1 s here
// (KOBUILD_WEBHOOK_RETRY_SECONDS), not the product's schedule.

const dataDir = freshDataDir("webhooks");
process.env.KOBUILD_WEBHOOK_RETRY_SECONDS = "1,1";
process.env.KOBUILD_PUBLIC_URL = "https://kobuild.example.test";
const PORT = Number(process.env.KOBUILD_E2E_PORT ?? 3100) + 40;
const RECEIVER = `http://127.0.0.1:${PORT}`;

const { getDb } = await import("@/lib/db/client");
const { buildDigests, webhookDeliveries } = await import("@/lib/db/schema");
const { eq } = await import("drizzle-orm");
const { startWebhookDispatcher } = await import("@/lib/webhooks/webhook-dispatcher");
const { registerWorkspace } = await import("@/lib/workspace/register-workspace");
const hooksRoute = await import("@/app/api/webhooks/route");
const hookRoute = await import("@/app/api/webhooks/[id]/route");
const pingRoute = await import("@/app/api/webhooks/[id]/ping/route");
const redeliverRoute = await import("@/app/api/webhooks/[id]/deliveries/[deliveryId]/redeliver/route");
const buildsRoute = await import("@/app/api/builds/route");

type Received = { path: string; headers: http.IncomingHttpHeaders; body: Buffer };
const received: Received[] = [];
/** What the receiver answers per path: a list of statuses taken in turn, the last one repeated. */
const answers = new Map<string, number[]>();
let receiver: http.Server;
const tags: string[] = [];

beforeAll(async () => {
  receiver = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      const pathname = request.url ?? "/";
      received.push({ path: pathname, headers: request.headers, body: Buffer.concat(chunks) });
      const plan = answers.get(pathname) ?? [200];
      const status = plan.length > 1 ? plan.shift()! : plan[0]!;
      response.writeHead(status, { "content-type": "text/plain" });
      response.end(status === 200 ? "ok" : `receiver says ${status}: ${"x".repeat(6000)}`);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(PORT, "127.0.0.1", resolve));
});

const dashboards: DashboardProcess[] = [];

afterAll(async () => {
  for (const dashboard of dashboards) await dashboard.kill("SIGKILL");
  await new Promise((resolve) => receiver?.close(resolve));
  for (const tag of tags) spawnSync(DOCKER, ["rmi", tag], { stdio: "ignore" });
});

const none = { params: Promise.resolve({}) };
const ids = (values: Record<string, string | number>) => ({ params: Promise.resolve(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]))) });
/** Every API answer's text, to look for the secrets in. */
const answered: string[] = [];

async function call(handler: (r: Request, c: { params: Promise<Record<string, string>> }) => Promise<Response>, url: string, init: RequestInit & { json?: unknown } = {}, context = none) {
  const { json, ...rest } = init;
  const request = new AdminRequest(`http://127.0.0.1${url}`, json === undefined ? rest : { ...rest, headers: { "content-type": "application/json" }, body: JSON.stringify(json) });
  const response = await handler(request, context);
  const text = await response.text();
  answered.push(text);
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
}

type Delivery = { id: number; event: string; status: string; attempts: number; responseStatus: number | null; responseBody: string | null; error: string | null; body: string };
type Hook = { id: number; url: string; events: string[]; format: string; deliveries: Delivery[] };

const listHooks = async () => (await call(hooksRoute.GET, "/api/webhooks")).body.webhooks as Hook[];
const addHook = async (body: Record<string, unknown>) => call(hooksRoute.POST, "/api/webhooks", { method: "POST", json: body });
const secrets: string[] = [];
const newSecret = () => {
  const secret = `whsec-${randomBytes(18).toString("base64url")}`;
  secrets.push(secret);
  return secret;
};

/** The receiver's own check, written here without kobuild's code: HMAC-SHA256 of the raw bytes, compared in constant time. */
function validSignature(got: Received, secret: string) {
  const header = String(got.headers["x-kobuild-signature-256"] ?? "");
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(got.body).digest("hex")}`);
  return header.length === expected.length && timingSafeEqual(Buffer.from(header), expected);
}

const arrivals = (pathname: string) => received.filter((r) => r.path === pathname);
const deliveriesOf = async (hookId: number) => (await listHooks()).find((h) => h.id === hookId)!.deliveries;

describe("webhooks through the API", () => {
  it("sends a ping that the receiver can verify, and sends it again on request with the same bytes", async () => {
    const secret = newSecret();
    const created = await addHook({ url: `${RECEIVER}/ping`, events: ["build.failed"], secret });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: `${RECEIVER}/ping`, events: ["build.failed"], format: "json", createdBy: "integration-admin" });
    expect(Object.keys(created.body)).not.toContain("secret");
    const hookId = created.body.id as number;

    const ping = await call(pingRoute.POST, `/api/webhooks/${hookId}/ping`, { method: "POST" }, ids({ id: hookId }));
    expect(ping.status).toBe(201);
    const [got] = await until("the ping", () => arrivals("/ping"), (a) => a.length === 1);
    expect(validSignature(got!, secret)).toBe(true);
    expect(validSignature(got!, `${secret}x`)).toBe(false);
    expect(got!.headers["content-type"]).toBe("application/json");
    expect(got!.headers["x-kobuild-event"]).toBe("ping");
    expect(got!.headers["x-kobuild-delivery"]).toBe(String(ping.body.id));
    const body = JSON.parse(got!.body.toString("utf8")) as { event: string; occurredAt: string; data: Record<string, unknown> };
    expect(body.event).toBe("ping");
    expect(new Date(body.occurredAt).toISOString()).toBe(body.occurredAt);
    expect(body.data).toMatchObject({ webhookId: hookId });

    const [delivered] = await until("the ping recorded", () => deliveriesOf(hookId), (d) => d[0]?.status === "delivered");
    expect(delivered).toMatchObject({ event: "ping", status: "delivered", attempts: 1, responseStatus: 200, responseBody: "ok", error: null });

    const again = await call(redeliverRoute.POST, `/api/webhooks/${hookId}/deliveries/${delivered!.id}/redeliver`, { method: "POST" }, ids({ id: hookId, deliveryId: delivered!.id }));
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(delivered!.id);
    const both = await until("the ping sent again", () => arrivals("/ping"), (a) => a.length === 2);
    expect(both[1]!.body.equals(both[0]!.body)).toBe(true);
    expect(both[1]!.headers["x-kobuild-signature-256"]).toBe(both[0]!.headers["x-kobuild-signature-256"]);
    expect(both[1]!.headers["x-kobuild-delivery"]).toBe(String(again.body.id));
    await until("the second ping recorded", () => deliveriesOf(hookId), (d) => d.length === 2 && d.every((x) => x.status === "delivered"));
  });

  it("tries a delivery again after a 500 and records it delivered at the second attempt, keeping 4 KiB of each answer", async () => {
    answers.set("/flaky", [500, 200]);
    const created = await addHook({ url: `${RECEIVER}/flaky`, events: ["channel.held"], secret: newSecret() });
    const hookId = created.body.id as number;
    const ping = await call(pingRoute.POST, `/api/webhooks/${hookId}/ping`, { method: "POST" }, ids({ id: hookId }));
    const firstTry = await until("the first attempt recorded", () => deliveriesOf(hookId), (d) => d[0]?.attempts === 1);
    expect(firstTry[0]).toMatchObject({ status: "pending", responseStatus: 500, error: "the receiver answered 500 Internal Server Error" });
    expect(Buffer.byteLength(firstTry[0]!.responseBody!)).toBe(4096);
    const [done] = await until("the retry recorded", () => deliveriesOf(hookId), (d) => d[0]?.status !== "pending", 15_000);
    expect(done).toMatchObject({ id: ping.body.id, status: "delivered", attempts: 2, responseStatus: 200, responseBody: "ok", error: null });
    expect(arrivals("/flaky")).toHaveLength(2);
  });

  it("changes a hook in place and rotates its secret: the next delivery is signed with the new one only", async () => {
    const old = newSecret();
    const created = await addHook({ url: `${RECEIVER}/before`, events: ["build.failed"], secret: old });
    const hookId = created.body.id as number;
    const rotated = newSecret();
    const changed = await call(hookRoute.PATCH, `/api/webhooks/${hookId}`, { method: "PATCH", json: { url: `${RECEIVER}/after`, events: ["channel.held", "channel.published"], format: "json", secret: rotated } }, ids({ id: hookId }));
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: hookId, url: `${RECEIVER}/after`, events: ["channel.held", "channel.published"], format: "json" });
    expect(Object.keys(changed.body)).not.toContain("secret");
    expect((await listHooks()).find((h) => h.id === hookId)).toMatchObject({ url: `${RECEIVER}/after`, events: ["channel.held", "channel.published"] });

    await call(pingRoute.POST, `/api/webhooks/${hookId}/ping`, { method: "POST" }, ids({ id: hookId }));
    const [got] = await until("the ping at the new URL", () => arrivals("/after"), (a) => a.length === 1);
    expect(validSignature(got!, rotated)).toBe(true);
    expect(validSignature(got!, old)).toBe(false);
    expect(arrivals("/before")).toHaveLength(0);

    // Refused without changing anything: nothing to change, a short secret, an unknown hook.
    expect((await call(hookRoute.PATCH, `/api/webhooks/${hookId}`, { method: "PATCH", json: {} }, ids({ id: hookId }))).status).toBe(400);
    const short = await call(hookRoute.PATCH, `/api/webhooks/${hookId}`, { method: "PATCH", json: { secret: "short" } }, ids({ id: hookId }));
    expect(short.status).toBe(400);
    expect(short.body.error).toMatch(/secret: must be at least 16 characters/);
    expect((await call(hookRoute.PATCH, "/api/webhooks/999999", { method: "PATCH", json: { events: ["build.failed"] } }, ids({ id: 999999 }))).status).toBe(404);
    await call(pingRoute.POST, `/api/webhooks/${hookId}/ping`, { method: "POST" }, ids({ id: hookId }));
    const both = await until("the second ping at the new URL", () => arrivals("/after"), (a) => a.length === 2);
    expect(validSignature(both[1]!, rotated)).toBe(true);
  });

  it("reaches a receiver named by a host name, connecting to the addresses it checked", async () => {
    const secret = newSecret();
    const created = await addHook({ url: `http://localhost:${PORT}/named`, events: ["build.failed"], secret });
    expect(created.status).toBe(201);
    const hookId = created.body.id as number;
    await call(pingRoute.POST, `/api/webhooks/${hookId}/ping`, { method: "POST" }, ids({ id: hookId }));
    const [got] = await until("the ping through localhost", () => arrivals("/named"), (a) => a.length === 1);
    expect(validSignature(got!, secret)).toBe(true);
    await until("the ping recorded", () => deliveriesOf(hookId), (d) => d[0]?.status === "delivered");
  });

  it("gives a delivery up after the last attempt of the schedule", async () => {
    answers.set("/down", [503]);
    const created = await addHook({ url: `${RECEIVER}/down`, events: ["build.failed"], secret: newSecret() });
    const hookId = created.body.id as number;
    await call(pingRoute.POST, `/api/webhooks/${hookId}/ping`, { method: "POST" }, ids({ id: hookId }));
    const [failed] = await until("the delivery given up", () => deliveriesOf(hookId), (d) => d[0]?.status === "failed", 15_000);
    // "1,1": three attempts in all.
    expect(failed).toMatchObject({ attempts: 3, responseStatus: 503, error: "the receiver answered 503 Service Unavailable" });
    expect(arrivals("/down")).toHaveLength(3);
  });

  it("sends a slack hook {text} only", async () => {
    const created = await addHook({ url: `${RECEIVER}/slack`, events: ["build.failed"], secret: newSecret(), format: "slack" });
    expect(created.body.format).toBe("slack");
    const hookId = created.body.id as number;
    await call(pingRoute.POST, `/api/webhooks/${hookId}/ping`, { method: "POST" }, ids({ id: hookId }));
    const [got] = await until("the slack ping", () => arrivals("/slack"), (a) => a.length === 1);
    const body = JSON.parse(got!.body.toString("utf8")) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(["text"]);
    expect(body.text).toMatch(/^:wave: kobuild: ping from webhook #\d+/);
  });

  it("sends what a pending delivery left by a stopped dashboard holds when the dispatcher starts", async () => {
    const secret = newSecret();
    const created = await addHook({ url: `${RECEIVER}/resumed`, events: ["build.failed"], secret });
    const hookId = created.body.id as number;
    // As a previous process left it: stored, due, never sent.
    const body = JSON.stringify({ event: "build.failed", occurredAt: new Date().toISOString(), data: { buildId: 0 } });
    const left = getDb().insert(webhookDeliveries).values({ webhookId: hookId, event: "build.failed", body, nextAttemptAt: new Date(Date.now() - 60_000) }).returning().get();
    startWebhookDispatcher();
    const [got] = await until("the left delivery", () => arrivals("/resumed"), (a) => a.length === 1);
    expect(got!.body.toString("utf8")).toBe(body);
    expect(got!.headers["x-kobuild-delivery"]).toBe(String(left.id));
    expect(validSignature(got!, secret)).toBe(true);
  });

  it("tells build.failed of a real build that fails on the engine, to the hooks that subscribed to it", async () => {
    const secret = newSecret();
    const created = await addHook({ url: `${RECEIVER}/builds`, events: ["build.failed", "failures.new"], secret });
    const hookId = created.body.id as number;
    const other = await addHook({ url: `${RECEIVER}/channels-only`, events: ["channel.published"], secret: newSecret() });

    const dir = path.join(dataDir, "checkouts", "fails");
    fs.mkdirSync(dir, { recursive: true });
    const nonce = randomBytes(6).toString("hex");
    fs.writeFileSync(path.join(dir, "Dockerfile"), ["FROM kobuild/toolchain:bookworm-1", `RUN echo "failing on purpose ${nonce}" && exit 3`, ""].join("\n"));
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=kobuild test", "-c", "user.email=test@kobuild.invalid", ...args], { cwd: dir, stdio: "pipe" });
    git("init", "-q", "-b", "master");
    git("add", ".");
    git("commit", "-qm", "fails");
    const workspace = await registerWorkspace({ name: "fails", path: dir, dockerfile: "Dockerfile", network: "none" });
    const build = await call(buildsRoute.POST, "/api/builds", { method: "POST", json: { workspaceId: workspace.id, builder: "classic" } });
    expect(build.status).toBe(201);
    if (build.body.tag) tags.push(String(build.body.tag));
    const buildId = build.body.id as number;
    const ended = await waitForBuild(buildId);
    expect(ended.status).toBe("failed");

    const [got] = await until("build.failed", () => arrivals("/builds"), (a) => a.length >= 1, 30_000);
    expect(validSignature(got!, secret)).toBe(true);
    expect(got!.headers["x-kobuild-event"]).toBe("build.failed");
    const body = JSON.parse(got!.body.toString("utf8")) as { event: string; data: Record<string, unknown> };
    expect(body.event).toBe("build.failed");
    expect(body.data).toMatchObject({ buildId, kind: "drivers", workspace: "fails", branch: ended.branch, error: ended.error, url: `https://kobuild.example.test/builds/${buildId}` });
    expect(body.data.error).toMatch(/failing on purpose .* (returned a non-zero code|exit code): 3/);
    expect(body.data.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(body.data).toHaveProperty("failedStep");
    await until("build.failed recorded", () => deliveriesOf(hookId), (d) => d.some((x) => x.event === "build.failed" && x.status === "delivered"));
    expect(await deliveriesOf(other.body.id as number)).toEqual([]);
    expect(arrivals("/channels-only")).toEqual([]);
  });

  it("tells failures.new of the failure signatures a driver build's image brings to its workspace first, with their kernels, and only once", async () => {
    const secret = newSecret();
    const created = await addHook({ url: `${RECEIVER}/failures`, events: ["failures.new"], secret });
    const hookId = created.body.id as number;
    const dir = path.join(dataDir, "checkouts", "new-failures");
    fs.mkdirSync(dir, { recursive: true });
    const log = (kernel: string) => `mkdir -p /FAILURES/${kernel}/2.9.0 && printf '%s\\n' "/src/probe.c:12:5: error: implicit declaration of function 'bpf_probe_read_kernel'" > /FAILURES/${kernel}/2.9.0/mod.log`;
    fs.writeFileSync(path.join(dir, "Dockerfile"), ["FROM kobuild/toolchain:bookworm-1", `RUN mkdir -p /kernel-modules && ${log("6.1.0-98-amd64")} && ${log("6.1.0-99-amd64")}`, ""].join("\n"));
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=kobuild test", "-c", "user.email=test@kobuild.invalid", ...args], { cwd: dir, stdio: "pipe" });
    git("init", "-q", "-b", "master");
    git("add", ".");
    git("commit", "-qm", "a failure");
    const workspace = await registerWorkspace({ name: "new-failures", path: dir, dockerfile: "Dockerfile", network: "none" });
    const buildOnce = async () => {
      const build = await call(buildsRoute.POST, "/api/builds", { method: "POST", json: { workspaceId: workspace.id, builder: "classic" } });
      expect(build.status).toBe(201);
      if (build.body.tag) tags.push(String(build.body.tag));
      const ended = await waitForBuild(build.body.id as number);
      expect(ended.status, ended.error ?? "").toBe("succeeded");
      return ended;
    };

    const first = await buildOnce();
    const [got] = await until("failures.new", () => arrivals("/failures"), (a) => a.length >= 1, 30_000);
    expect(validSignature(got!, secret)).toBe(true);
    const body = JSON.parse(got!.body.toString("utf8")) as { event: string; data: { buildId: number; workspace: string; url: string; groups: { signature: string; kernels: string[] }[] } };
    expect(body.event).toBe("failures.new");
    expect(body.data).toMatchObject({ buildId: first.id, workspace: "new-failures", url: `https://kobuild.example.test/builds/${first.id}` });
    expect(body.data.groups).toHaveLength(1);
    expect(body.data.groups[0]!.signature).toMatch(/implicit declaration of function/);
    expect(body.data.groups[0]!.kernels).toEqual(["6.1.0-98-amd64", "6.1.0-99-amd64"]);

    // The same signature again is no news. The runner digests a build and queues its notices in one go:
    // once the digest is there, any delivery of it would be stored too.
    const second = await buildOnce();
    await until("the second build digested", () => getDb().select().from(buildDigests).where(eq(buildDigests.buildId, second.id)).all(), (rows) => rows.length === 1);
    expect(arrivals("/failures")).toHaveLength(1);
    expect((await deliveriesOf(hookId)).map((d) => d.event)).toEqual(["failures.new"]);
  });
});

describe("what webhooks refuse and what they never show", () => {
  it("refuses bad input with 400 saying why, and stores nothing", async () => {
    const before = await listHooks();
    const good = { url: `${RECEIVER}/never`, events: ["build.failed"], secret: "0123456789abcdef", format: "json" };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...good, url: "ftp://127.0.0.1/x" }, /^url: must be an http:\/\/ or https:\/\/ URL/],
      [{ ...good, url: "javascript:alert(1)" }, /^url: must be an http:\/\/ or https:\/\/ URL/],
      [{ ...good, events: ["build.exploded"] }, /^events\.0: unknown event "build\.exploded"/],
      [{ ...good, events: [] }, /^events: must name at least one event/],
      [{ ...good, secret: "too short" }, /^secret: must be at least 16 characters/],
      [{ ...good, format: "teams" }, /^format: must be one of json, slack/],
      [{ url: good.url, events: good.events }, /^secret: /],
    ];
    for (const [body, message] of cases) {
      const answer = await addHook(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error).toMatch(message);
      expect(answer.body.code).toBe("bad_request");
    }
    expect(await listHooks()).toEqual(before);
  });

  it("answers 404 for an unknown hook or a delivery that is not the hook's, 400 for an id that is none, and changes nothing", async () => {
    const before = await listHooks();
    const [first, second] = before;
    const deliveryOfFirst = first!.deliveries[0]!.id;
    expect((await call(hookRoute.DELETE, "/api/webhooks/999999", { method: "DELETE" }, ids({ id: 999999 }))).status).toBe(404);
    expect((await call(pingRoute.POST, "/api/webhooks/999999/ping", { method: "POST" }, ids({ id: 999999 }))).status).toBe(404);
    expect((await call(redeliverRoute.POST, "/api/webhooks/999999/deliveries/1/redeliver", { method: "POST" }, ids({ id: 999999, deliveryId: deliveryOfFirst }))).status).toBe(404);
    const notItsOwn = await call(redeliverRoute.POST, "/", { method: "POST" }, ids({ id: second!.id, deliveryId: deliveryOfFirst }));
    expect(notItsOwn.status).toBe(404);
    expect(notItsOwn.body.error).toBe(`webhook ${second!.id} has no delivery with id ${deliveryOfFirst}`);
    expect((await call(hookRoute.DELETE, "/api/webhooks/abc", { method: "DELETE" }, ids({ id: "abc" }))).status).toBe(400);
    expect(await listHooks()).toEqual(before);
  });

  it("removes a hook with its deliveries", async () => {
    const created = await addHook({ url: `${RECEIVER}/removed`, events: ["build.failed"], secret: newSecret() });
    const hookId = created.body.id as number;
    const removed = await call(hookRoute.DELETE, `/api/webhooks/${hookId}`, { method: "DELETE" }, ids({ id: hookId }));
    expect(removed.status).toBe(200);
    expect((await listHooks()).map((h) => h.id)).not.toContain(hookId);
  });

  it("keeps a hook's newest 200 deliveries as new ones are stored", async () => {
    const created = await addHook({ url: `${RECEIVER}/busy`, events: ["channel.recovered"], secret: newSecret() });
    const hookId = created.body.id as number;
    const old = Array.from({ length: 205 }, (_, i) => ({ webhookId: hookId, event: "channel.recovered", body: `{"n":${i}}`, status: "delivered" as const, attempts: 1, responseStatus: 200 }));
    getDb().insert(webhookDeliveries).values(old).run();
    const ping = await call(pingRoute.POST, `/api/webhooks/${hookId}/ping`, { method: "POST" }, ids({ id: hookId }));
    const count = () => getDb().select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hookId)).all();
    const kept = count();
    expect(kept).toHaveLength(200);
    expect(kept.map((d) => d.id)).toContain(ping.body.id);
    expect(kept.some((d) => d.body === '{"n":0}')).toBe(false);
    expect(kept.some((d) => d.body === '{"n":204}')).toBe(true);
  });

  it("never shows a secret in an answer, and keeps none in plain text in the database files", async () => {
    expect(secrets.length).toBeGreaterThan(5);
    for (const secret of secrets) for (const text of answered) expect(text.includes(secret)).toBe(false);
    getDb().$client.pragma("wal_checkpoint(TRUNCATE)");
    const files = fs.readdirSync(dataDir).filter((f) => f.startsWith("kobuild.db"));
    expect(files).toContain("kobuild.db");
    for (const file of files) {
      const bytes = fs.readFileSync(path.join(dataDir, file));
      for (const secret of secrets) expect(bytes.includes(Buffer.from(secret)), `${secret} in ${file}`).toBe(false);
    }
    const sealed = getDb().$client.prepare("SELECT secret_sealed FROM webhooks").all() as { secret_sealed: string }[];
    expect(sealed.length).toBeGreaterThan(0);
    for (const row of sealed) expect(row.secret_sealed).toMatch(/^v1:/);
  });
});

describe("a restart of the dashboard", () => {
  it("sends after the next start what a killed dashboard left pending", async () => {
    // The built dashboard as its own process; its receiver is not up at first, so the first attempt fails.
    const dir = path.join(dataDir, "restart");
    fs.mkdirSync(dir, { recursive: true });
    const port = PORT + 1;
    const lateReceiver = PORT + 2;
    const start = async () => {
      const dashboard = await startDashboard(dir, port, { KOBUILD_WEBHOOK_RETRY_SECONDS: "3" });
      dashboards.push(dashboard);
      return dashboard;
    };
    const api = async (dashboard: DashboardProcess, pathname: string, body?: unknown) => {
      const response = await fetch(`${dashboard.url}${pathname}`, body === undefined ? { headers: dashboardAuth } : { method: "POST", headers: { ...dashboardAuth, "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    let dashboard = await start();
    const secret = newSecret();
    const created = await api(dashboard, "/api/webhooks", { url: `http://127.0.0.1:${lateReceiver}/late`, events: ["build.failed"], secret });
    expect(created.status).toBe(201);
    const hookId = created.body.id as number;
    expect((await api(dashboard, `/api/webhooks/${hookId}/ping`, {})).status).toBe(201);
    const hooks = async (d: DashboardProcess) => ((await api(d, "/api/webhooks")).body.webhooks as Hook[]).find((h) => h.id === hookId)!.deliveries;
    const [refused] = await until("the first attempt refused", () => hooks(dashboard), (d) => d[0]?.attempts === 1);
    expect(refused).toMatchObject({ status: "pending", responseStatus: null, error: "could not reach the receiver (ECONNREFUSED)" });
    await dashboard.kill("SIGKILL");

    const late: Received[] = [];
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (c: Buffer) => chunks.push(c));
      request.on("end", () => {
        late.push({ path: request.url ?? "/", headers: request.headers, body: Buffer.concat(chunks) });
        response.end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(lateReceiver, "127.0.0.1", resolve));
    try {
      dashboard = await start();
      const [got] = await until("the ping after the restart", () => late, (l) => l.length === 1, 30_000);
      expect(got!.headers["x-kobuild-event"]).toBe("ping");
      expect(validSignature(got!, secret)).toBe(true);
      const [delivered] = await until("the delivery recorded", () => hooks(dashboard), (d) => d[0]?.status === "delivered");
      expect(delivered).toMatchObject({ attempts: 2, responseStatus: 200, error: null });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
