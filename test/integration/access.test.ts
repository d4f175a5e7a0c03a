import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardAuth, startDashboard, type DashboardProcess } from "./helpers/dashboard-process";
import { callServerAction, concretePath, HTTP_METHODS, listPageDoors, listRouteDoors, listServerActions, listUseServerExports, type ServerAction } from "./helpers/doors";
import { freshDataDir } from "./helpers/sample-data-dir";

// Who may call what, at every door of the built dashboard (`next start`, a
// fresh data directory, the real engine): every route file's methods, every
// server action and every page, found in the sources and the build. Each is
// called by nobody, by a viewer, an operator and an admin, and must let in
// exactly the roles the tables below give it, refusing the others before it
// reads an id or a body: a malformed id and body must not turn a 401 or 403
// into a 400 or 404. A door the tables do not name fails the test.

type Role = "viewer" | "operator" | "admin";
type Needs = "public" | Role;
/** A door open to nobody signed in, or a change open to viewers, says why. */
type Door = Role | { needs: "public" | "viewer"; why: string };

const ROUTES: Record<string, Door> = {
  "GET /api/health": { needs: "public", why: "load balancers, `npm run up` and the e2e servers ask it before anyone signs in" },
  "POST /api/session": { needs: "public", why: "signing in is how a session starts" },
  "GET /api/auth/oidc/start": { needs: "public", why: "single sign-on starts before anyone is signed in" },
  "GET /api/auth/oidc/callback": { needs: "public", why: "the provider sends the browser back here to finish signing in" },
  "GET /api/audit": "admin",
  "GET /api/builds": "viewer",
  "POST /api/builds": "operator",
  "POST /api/builds/plan": "operator",
  "GET /api/builds/[id]": "viewer",
  "POST /api/builds/[id]/cancel": "operator",
  "GET /api/builds/[id]/coverage": "viewer",
  "GET /api/builds/[id]/events": "viewer",
  "GET /api/builds/[id]/failures": "viewer",
  "GET /api/builds/[id]/logs": "viewer",
  "GET /api/builds/[id]/provenance": "viewer",
  "GET /api/builds/[id]/rerun": "viewer",
  "POST /api/builds/[id]/rerun": "operator",
  "GET /api/bundles": "viewer",
  "GET /api/bundle-sources": "viewer",
  "POST /api/bundle-sources": "admin",
  "GET /api/bundle-sources/[id]": "viewer",
  "DELETE /api/bundle-sources/[id]": "admin",
  "POST /api/bundle-sources/[id]/poll": "operator",
  "POST /api/bundles": "operator",
  "DELETE /api/bundles/[id]": "operator",
  "GET /api/channels": "viewer",
  "POST /api/channels": "operator",
  "GET /api/channels/[id]": "viewer",
  "PATCH /api/channels/[id]": "admin",
  "DELETE /api/channels/[id]": "admin",
  "GET /api/channels/[id]/coverage": "viewer",
  "GET /api/channels/[id]/failures": "viewer",
  "POST /api/channels/[id]/publish": "admin",
  "POST /api/channels/[id]/sync": "operator",
  "POST /api/hooks/git": { needs: "public", why: "a git host's push hook has no session: the shared secret (KOBUILD_GIT_HOOK_SECRET) proves it" },
  "GET /api/openapi.json": "viewer",
  "GET /api/coverage/compare": "viewer",
  "GET /api/drivers": "viewer",
  "POST /api/drivers/reproduce": "operator",
  "POST /api/drivers/lookup": { needs: "viewer", why: "a driver lookup reads what kobuild holds and stores nothing, as a GET with a body too long for a URL" },
  "GET /api/engines": "viewer",
  "POST /api/engines": "admin",
  "GET /api/engines/[id]": "viewer",
  "PATCH /api/engines/[id]": "admin",
  "DELETE /api/engines/[id]": "admin",
  "GET /api/failure-groups": "viewer",
  "GET /api/failure-groups/[id]": "viewer",
  "POST /api/failure-groups/[id]/acknowledgements": "operator",
  "GET /api/failures/[id]": "viewer",
  "GET /api/images": "viewer",
  "GET /api/images/[id]": "viewer",
  "GET /api/images/[id]/coverage": "viewer",
  "GET /api/images/[id]/driver": "viewer",
  "GET /api/images/[id]/driver/download": "operator",
  "GET /api/images/[id]/failures": "viewer",
  "GET /api/images/[id]/provenance": "viewer",
  "POST /api/images/[id]/push": "operator",
  "POST /api/images/collector": "operator",
  "POST /api/images/inspect": "operator",
  "POST /api/images/merge": "operator",
  "POST /api/images/squash": "operator",
  "GET /api/registries": "viewer",
  "POST /api/registries": "admin",
  "DELETE /api/registries/[id]": "admin",
  "POST /api/registries/[id]/pull": "operator",
  "GET /api/registries/[id]/tags": "viewer",
  "GET /api/retention": "admin",
  "PUT /api/retention": "admin",
  "POST /api/retention/prune": "admin",
  "GET /api/tokens": "admin",
  "POST /api/tokens": "admin",
  "DELETE /api/tokens/[id]": "admin",
  "GET /api/webhooks": "admin",
  "POST /api/webhooks": "admin",
  "PATCH /api/webhooks/[id]": "admin",
  "DELETE /api/webhooks/[id]": "admin",
  "POST /api/webhooks/[id]/ping": "admin",
  "POST /api/webhooks/[id]/deliveries/[deliveryId]/redeliver": "admin",
  "GET /api/users": "admin",
  "POST /api/users": "admin",
  "DELETE /api/users/[id]": "admin",
  "GET /api/workspaces": "viewer",
  "POST /api/workspaces": "admin",
  "GET /api/trends": "viewer",
  "GET /api/workspaces/[id]": "viewer",
  "PATCH /api/workspaces/[id]": "admin",
  "DELETE /api/workspaces/[id]": "admin",
  "POST /api/workspaces/[id]/fetch": "operator",
  "GET /api/workspaces/[id]/refs": "viewer",
};

/** Each action with arguments that fail its own checks, so that a call let through starts nothing. */
const ACTIONS: Record<string, { door: Door; args: () => unknown[] }> = {
  "app/login/actions.ts#firstAdminAction": {
    door: { needs: "public", why: "the one-time link's token is the credential" },
    args: () => [null, form({ token: "kbl_not-a-link", name: "mallory", password: "a long enough password" })],
  },
  "app/login/actions.ts#signOutAction": { door: { needs: "public", why: "it ends the caller's own session, if there is one" }, args: () => [] },
  "app/settings/actions.ts#changePasswordAction": { door: { needs: "viewer", why: "everyone changes their own password" }, args: () => [{}] },
  "app/builds/new/actions.ts#startBuildAction": { door: "operator", args: () => [{}] },
  "app/builds/[id]/actions.ts#startRerunAction": { door: "operator", args: () => [999999, {}] },
  "app/channels/actions.ts#syncChannelAction": { door: "operator", args: () => [999999] },
  "app/channels/actions.ts#createChannelAction": { door: "admin", args: () => [{}] },
  "app/channels/actions.ts#updateChannelAction": { door: "admin", args: () => [999999, {}] },
  "app/channels/actions.ts#deleteChannelAction": { door: "admin", args: () => [999999] },
  "app/images/actions.ts#startMergeAction": { door: "operator", args: () => [{}] },
  "app/images/actions.ts#startSquashAction": { door: "operator", args: () => [{}] },
  "app/images/actions.ts#startCollectorAction": { door: "operator", args: () => [{}] },
  "app/images/actions.ts#pushImageAction": { door: "operator", args: () => [999999, {}] },
  "app/bundles/actions.ts#addBundleSourceAction": { door: "admin", args: () => [{}] },
  "app/bundles/actions.ts#removeBundleSourceAction": { door: "admin", args: () => [999999] },
  "app/bundles/actions.ts#pollBundleSourceAction": { door: "operator", args: () => [999999] },
  "app/settings/actions.ts#addRegistryAction": { door: "admin", args: () => [{}] },
  "app/settings/actions.ts#removeRegistryAction": { door: "admin", args: () => [999999] },
  "app/settings/actions.ts#addWebhookAction": { door: "admin", args: () => [{}] },
  "app/settings/actions.ts#removeWebhookAction": { door: "admin", args: () => [999999] },
  "app/settings/actions.ts#updateWebhookAction": { door: "admin", args: () => [999999, {}] },
  "app/settings/actions.ts#pingWebhookAction": { door: "admin", args: () => [999999] },
  "app/settings/actions.ts#redeliverWebhookAction": { door: "admin", args: () => [999999, 999999] },
  "app/settings/actions.ts#addEngineAction": { door: "admin", args: () => [{}] },
  "app/settings/actions.ts#updateEngineAction": { door: "admin", args: () => ["not an engine", {}] },
  "app/settings/actions.ts#removeEngineAction": { door: "admin", args: () => ["not an engine"] },
  "app/settings/actions.ts#addUserAction": { door: "admin", args: () => [{}] },
  "app/settings/actions.ts#createTokenAction": { door: "admin", args: () => [{}] },
  "app/settings/actions.ts#revokeTokenAction": { door: "admin", args: () => [999999] },
  "app/settings/actions.ts#disableUserAction": { door: "admin", args: () => [999999] },
  "app/settings/actions.ts#addWorkspaceAction": { door: "admin", args: () => [{}] },
  "app/settings/actions.ts#updateWorkspaceAction": { door: "admin", args: () => [999999, {}] },
  "app/settings/actions.ts#removeWorkspaceAction": { door: "admin", args: () => [999999] },
  "app/settings/actions.ts#fetchWorkspaceAction": { door: "operator", args: () => [999999] },
  "app/settings/actions.ts#setRetentionAction": { door: "admin", args: () => [{}] },
  // A dry run: let through, it lists and removes nothing.
  "app/settings/actions.ts#pruneRetentionAction": { door: "admin", args: () => [true] },
};

const PAGES: Record<string, Door> = {
  "/login": { needs: "public", why: "where people sign in" },
  "/login/first": { needs: "public", why: "the first admin's one-time link, before anyone can sign in" },
  "/": "viewer",
  "/builds": "viewer",
  "/builds/[id]": "viewer",
  "/builds/new": "operator",
  "/api-docs": "viewer",
  "/channels": "viewer",
  "/bundles": "viewer",
  "/coverage": "viewer",
  "/coverage/compare": "viewer",
  "/drivers": "viewer",
  "/failures": "viewer",
  "/failures/groups/[id]": "viewer",
  "/images": "viewer",
  "/settings": "viewer",
  "/trends": "viewer",
};

const UNLISTED = "a new door must say who may call it: add it to the table in test/integration/access.test.ts";
const RANK: Record<Needs, number> = { public: 0, viewer: 1, operator: 2, admin: 3 };
const needsOf = (door: Door): Needs => (typeof door === "string" ? door : door.needs);

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

type Caller = { name: string; rank: number; headers: Record<string, string> };
const callers: Caller[] = [];
const sessionCallers: Caller[] = [];

const PORT = Number(process.env.KOBUILD_E2E_PORT ?? 3100) + 2;
const dataDir = freshDataDir("access");
let dashboard: DashboardProcess;
const actions = listServerActions();

async function api(method: string, pathname: string, body?: unknown) {
  const response = await fetch(`${dashboard.url}${pathname}`, { method, headers: { ...dashboardAuth, "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${method} ${pathname}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** A user of `role` with an API token, signed in as the sign-in page does (POST /api/session) for a session cookie. */
async function makeUser(role: Role): Promise<Caller[]> {
  const name = `${role}-${process.pid}`;
  const password = `${role} password of this test`;
  await api("POST", "/api/users", { name, role, password });
  const { token } = (await api("POST", "/api/tokens", { name: `${name}'s`, user: name })) as { token: string };
  const signedIn = await fetch(`${dashboard.url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name, password }) });
  const cookie = /kobuild_session=[^;]+/.exec(signedIn.headers.get("set-cookie") ?? "")?.[0];
  if (signedIn.status !== 200 || !cookie) throw new Error(`${name} could not sign in: ${signedIn.status} ${await signedIn.text()}`);
  return [
    { name: `${role} (API token)`, rank: RANK[role], headers: { authorization: `Bearer ${token}` } },
    { name: `${role} (session)`, rank: RANK[role], headers: { cookie } },
  ];
}

beforeAll(async () => {
  dashboard = await startDashboard(dataDir, PORT, {});
  callers.push(
    { name: "nobody", rank: 0, headers: {} },
    { name: "a made-up API token", rank: 0, headers: { authorization: "Bearer kbt_made-up-token-nobody-was-ever-given-0000000" } },
    { name: "a made-up session", rank: 0, headers: { cookie: "kobuild_session=kbs_made-up-session-nobody-ever-had-00000000000" } },
  );
  for (const role of ["viewer", "operator", "admin"] as const) callers.push(...(await makeUser(role)));
  sessionCallers.push(...callers.filter((c) => c.rank === 0 || c.name.endsWith("(session)")));
}, 120_000);

afterAll(async () => {
  await dashboard?.kill("SIGTERM");
  fs.rmSync(dataDir, { recursive: true, force: true });
});

type Verdict = "let through" | "401" | "403";
/** What a caller of `rank` must get at a door that needs `needs`: let through, or refused with 401 or 403. */
const verdict = (rank: number, needs: Needs): Verdict => (rank >= RANK[needs] ? "let through" : rank === 0 ? "401" : "403");

/** Calls the door as each of `who`; `complaints` says what was wrong with one caller's answers. One failure lists them all. */
async function expectDoor(key: string, door: Door | undefined, where: string, who: Caller[], complaints: (caller: Caller, expected: Verdict, needs: Needs) => Promise<string[]>) {
  expect(door, `${where}: ${UNLISTED}`).toBeDefined();
  const needs = needsOf(door!);
  const wrong: string[] = [];
  for (const caller of who) wrong.push(...(await complaints(caller, verdict(caller.rank, needs), needs)));
  expect(wrong, `${key} needs ${needs}`).toEqual([]);
}

describe("route handlers", () => {
  const doors = listRouteDoors().flatMap((route) => route.methods.map((method) => ({ ...route, method, key: `${method} ${route.path}` })));

  it("are all in the table, and the table names no route that is gone", () => {
    const found = new Set(doors.map((d) => d.key));
    expect(doors.filter((d) => !(d.key in ROUTES)).map((d) => `${d.key} (${d.file})`), UNLISTED).toEqual([]);
    expect(Object.keys(ROUTES).filter((key) => !found.has(key)), "no such route or method any more").toEqual([]);
  });

  it("answer 405 to every method a route file does not export, so the scan of the sources misses none", async () => {
    const unexpected: string[] = [];
    for (const route of listRouteDoors()) {
      for (const method of HTTP_METHODS.filter((m) => !route.methods.includes(m))) {
        const response = await fetch(`${dashboard.url}${concretePath(route.path, "999999")}`, { method });
        if (response.status !== 405) unexpected.push(`${method} ${route.path}: ${response.status}`);
      }
    }
    expect(unexpected).toEqual([]);
  });

  it.each(doors)("$key lets in only whom the table names, before it reads an id or a body", async (door) => {
    await expectDoor(door.key, ROUTES[door.key], `${door.key} (${door.file})`, callers, async (caller, expected) => {
      const wrong: string[] = [];
      // Refusals must come first: a malformed id and body give a 400 or 404 only to those let through.
      for (const id of expected === "let through" ? ["999999"] : ["999999", "not-an-id"]) {
        const body = door.method === "GET" ? undefined : "{ not json";
        const response = await fetch(`${dashboard.url}${concretePath(door.path, id)}`, {
          method: door.method,
          headers: { ...caller.headers, ...(body ? { "content-type": "application/json" } : {}) },
          body,
          redirect: "manual",
        });
        const text = await response.text();
        const got = response.status === 401 || response.status === 403 ? String(response.status) : response.status >= 500 ? "a server error" : "let through";
        const code = /"code":"(\w+)"/.exec(text)?.[1];
        const guardCode = { "401": "unauthorized", "403": "forbidden", "let through": code }[expected];
        if (got !== expected || code !== guardCode) wrong.push(`${caller.name}, id ${id}: ${response.status} ${text.slice(0, 160)} where ${expected} was due`);
      }
      return wrong;
    });
  });
});

describe("server actions", () => {
  it("are all in the build: no action of the sources is missing from it", () => {
    const built = new Set(actions.map((a) => a.key));
    expect(listUseServerExports().filter((key) => !built.has(key)), "the build is older than the sources: run `npx next build`").toEqual([]);
  });

  it("are all in the table, and the table names no action that is gone", () => {
    expect(actions.filter((a) => !(a.key in ACTIONS)).map((a) => a.key), UNLISTED).toEqual([]);
    expect(Object.keys(ACTIONS).filter((key) => !actions.some((a) => a.key === key)), "no such action any more").toEqual([]);
  });

  it.each(actions)("$key lets in only whom the table names, before it reads its arguments", async (action: ServerAction) => {
    const entry = ACTIONS[action.key];
    await expectDoor(action.key, entry?.door, action.key, sessionCallers, async (caller, expected, needs) => {
      // A public action is for those not signed in; signing the others out would end the sessions this test uses.
      if (needs === "public" && caller.rank > 0) return [];
      const outcome = await callServerAction(dashboard.url, action, entry!.args(), caller.headers);
      const error = (outcome.result as { error?: unknown } | null)?.error;
      // Sent to the sign-in page is a refusal too, but signing out ends there by design.
      const got =
        (outcome.redirect?.startsWith("/login") && needs !== "public") || (typeof error === "string" && /^sign in first/.test(error))
          ? "401"
          : typeof error === "string" && /; this needs the \w+ role$/.test(error)
            ? "403"
            : "let through";
      return got === expected ? [] : [`${caller.name}: ${outcome.status} ${JSON.stringify(outcome.redirect ?? outcome.result).slice(0, 160)} where ${expected} was due`];
    });
  });
});

describe("pages", () => {
  const pages = listPageDoors();

  it("are all in the table, and the table names no page that is gone", () => {
    expect(pages.filter((p) => !(p.path in PAGES)).map((p) => `${p.path} (${p.file})`), UNLISTED).toEqual([]);
    expect(Object.keys(PAGES).filter((key) => !pages.some((p) => p.path === key)), "no such page any more").toEqual([]);
  });

  it.each(pages)("$path sends nobody to sign in and shows too small a role a 403 page", async (page) => {
    await expectDoor(page.path, PAGES[page.path], `${page.path} (${page.file})`, sessionCallers, async (caller, expected) => {
      const response = await fetch(`${dashboard.url}${concretePath(page.path, "999999")}`, { headers: caller.headers, redirect: "manual" });
      await response.arrayBuffer();
      const location = response.headers.get("location");
      const got =
        response.status === 307 && location && new URL(location, dashboard.url).pathname === "/login"
          ? "401"
          : response.status === 403
            ? "403"
            : response.status >= 500 || response.status === 401
              ? `a ${response.status}`
              : "let through";
      return got === expected ? [] : [`${caller.name}: ${response.status}${location ? ` to ${location}` : ""} where ${expected === "401" ? "a redirect to /login" : expected} was due`];
    });
  });
});
