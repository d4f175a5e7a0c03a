import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freshDataDir } from "./helpers/sample-data-dir";

// Who may do what, through the route handlers as the server runs them.
const dataDir = freshDataDir("auth");
process.env.KOBUILD_ADMIN_TOKEN = `ci-token-${"x".repeat(40)}-${process.pid}`;

const { provisionAccess, redeemFirstAdminLink } = await import("@/lib/auth/first-start");
const { createUser } = await import("@/lib/auth/users");
const { createApiToken } = await import("@/lib/auth/api-tokens");
const { createSession } = await import("@/lib/auth/sessions");
const { getDb } = await import("@/lib/db/client");
const { auditLog, signinLinks, users } = await import("@/lib/db/schema");
const { hashSecretToken, newSecretToken } = await import("@/lib/auth/secret-token");
const buildsRoute = await import("@/app/api/builds/route");
const tokensRoute = await import("@/app/api/tokens/route");
const tokenRoute = await import("@/app/api/tokens/[id]/route");
const usersRoute = await import("@/app/api/users/route");
const userRoute = await import("@/app/api/users/[id]/route");
const healthRoute = await import("@/app/api/health/route");

const none = { params: Promise.resolve({}) };
const req = (pathname: string, init: RequestInit & { token?: string; cookie?: string } = {}) => {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  if (init.cookie) headers.set("cookie", init.cookie);
  return new Request(`http://127.0.0.1${pathname}`, { ...init, headers });
};
const postJson = (pathname: string, body: unknown, who: { token?: string; cookie?: string } = {}) =>
  req(pathname, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), ...who });

describe("a fresh install", () => {
  it("prints a one-time link for the first admin, keeps it 0600 in the data directory, and it works once", async () => {
    const link = await provisionAccess();
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login\/first\?token=kbl_[\w-]{43}$/);
    const file = path.join(dataDir, "first-admin-link");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const token = new URL(link!).searchParams.get("token")!;
    const admin = await redeemFirstAdminLink(token, "first-admin", "a long enough password");
    expect(admin.role).toBe("admin");
    await expect(redeemFirstAdminLink(token, "second", "a long enough password")).rejects.toThrow(/not valid/);
    expect(fs.existsSync(file)).toBe(false);
    // Someone can sign in now: no new link at the next start.
    expect(await provisionAccess()).toBeNull();
  });

  it("redeems a link once even when two requests race with it", async () => {
    const token = newSecretToken("signin");
    getDb().insert(signinLinks).values({ tokenHash: hashSecretToken(token), role: "admin", expiresAt: new Date(Date.now() + 60_000) }).run();
    // Both start before either has hashed its password (the slow part, where the old check-then-update let both through).
    const results = await Promise.allSettled([redeemFirstAdminLink(token, "racer-one", "a long enough password"), redeemFirstAdminLink(token, "racer-two", "a long enough password")]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")?.reason).toMatchObject({ message: expect.stringMatching(/not valid/) });
    const racers = getDb().select().from(users).all().filter((u) => u.name.startsWith("racer-"));
    expect(racers).toHaveLength(1);
  });

  it("makes KOBUILD_ADMIN_TOKEN an admin's API token", async () => {
    const response = await usersRoute.GET(req("/api/users", { token: process.env.KOBUILD_ADMIN_TOKEN }), none);
    expect(response.status).toBe(200);
  });
});

describe("roles", () => {
  it("answers 401 without a session or a token, and keeps the health check public", async () => {
    const response = await buildsRoute.GET(req("/api/builds"), none);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toMatch(/sign in first/);
    expect((await buildsRoute.GET(req("/api/builds", { token: "kbt_made-up-token-that-nobody-was-ever-given-000" }), none)).status).toBe(401);
    expect((await healthRoute.GET(req("/api/health"), none)).status).toBe(200);
  });

  it("lets a viewer read but not build (403), and a session cookie works like a token", async () => {
    const viewer = await createUser({ name: "vera", role: "viewer", password: "viewer password 1" });
    const { token } = createApiToken(viewer.id, "vera's");
    expect((await buildsRoute.GET(req("/api/builds", { token }), none)).status).toBe(200);
    const refused = await buildsRoute.POST(postJson("/api/builds", { workspaceId: 1 }, { token }), none);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toBe("vera is a viewer; this needs the operator role");
    const session = createSession(viewer.id);
    expect((await buildsRoute.GET(req("/api/builds", { cookie: `other=1; kobuild_session=${session.token}` }), none)).status).toBe(200);
    expect((await usersRoute.GET(req("/api/users", { cookie: `kobuild_session=${session.token}` }), none)).status).toBe(403);
  });

  it("lets an operator build but not manage users", async () => {
    const operator = await createUser({ name: "otto", role: "operator" });
    const { token } = createApiToken(operator.id, "otto's");
    // Past the role check, the body is judged: no workspace 999.
    expect((await buildsRoute.POST(postJson("/api/builds", { workspaceId: 999 }, { token }), none)).status).toBe(404);
    expect((await usersRoute.POST(postJson("/api/users", { name: "eve", role: "admin" }, { token }), none)).status).toBe(403);
  });

  it("shows a new token once, and a revoked token stops working at once", async () => {
    const adminToken = process.env.KOBUILD_ADMIN_TOKEN!;
    const created = await tokensRoute.POST(postJson("/api/tokens", { name: "ci" }, { token: adminToken }), none);
    expect(created.status).toBe(201);
    const { id, token } = (await created.json()) as { id: number; token: string };
    expect(token).toMatch(/^kbt_/);
    const listed = await (await tokensRoute.GET(req("/api/tokens", { token: adminToken }), none)).text();
    expect(listed).not.toContain(token);
    expect((await buildsRoute.GET(req("/api/builds", { token }), none)).status).toBe(200);
    expect((await tokenRoute.DELETE(req(`/api/tokens/${id}`, { method: "DELETE", token: adminToken }), { params: Promise.resolve({ id: String(id) }) })).status).toBe(200);
    expect((await buildsRoute.GET(req("/api/builds", { token }), none)).status).toBe(401);
  });

  it("disables a user: their tokens stop working at once, and an admin cannot disable themself", async () => {
    const adminToken = process.env.KOBUILD_ADMIN_TOKEN!;
    const leaver = await createUser({ name: "leaver", role: "operator" });
    const { token } = createApiToken(leaver.id, "leaver's");
    expect((await buildsRoute.GET(req("/api/builds", { token }), none)).status).toBe(200);
    const id = { params: Promise.resolve({ id: String(leaver.id) }) };
    expect((await userRoute.DELETE(req(`/api/users/${leaver.id}`, { method: "DELETE", token: adminToken }), id)).status).toBe(200);
    expect((await buildsRoute.GET(req("/api/builds", { token }), none)).status).toBe(401);
    const users = (await (await usersRoute.GET(req("/api/users", { token: adminToken }), none)).json()) as { users: { id: number; name: string }[] };
    const self = users.users.find((u) => u.name === "automation")!;
    const selfDelete = await userRoute.DELETE(req(`/api/users/${self.id}`, { method: "DELETE", token: adminToken }), { params: Promise.resolve({ id: String(self.id) }) });
    expect(selfDelete.status).toBe(409);
  });

  it("records who changed what in the audit log, refusals included", () => {
    const entries = getDb().select().from(auditLog).all();
    expect(entries.some((e) => e.actor === "vera" && e.action === "POST /api/builds" && e.status === 403)).toBe(true);
    expect(entries.some((e) => e.actor === "automation" && e.action.startsWith("DELETE /api/tokens/") && e.status === 200)).toBe(true);
  });

  it("stores no password and no token in plain text", () => {
    const db = fs.readFileSync(path.join(dataDir, "kobuild.db"));
    const wal = fs.existsSync(path.join(dataDir, "kobuild.db-wal")) ? fs.readFileSync(path.join(dataDir, "kobuild.db-wal")) : Buffer.alloc(0);
    for (const secret of ["viewer password 1", "a long enough password", process.env.KOBUILD_ADMIN_TOKEN!]) {
      expect(db.includes(secret)).toBe(false);
      expect(wal.includes(secret)).toBe(false);
    }
  });
});
