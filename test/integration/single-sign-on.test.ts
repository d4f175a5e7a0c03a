import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieBrowser } from "./helpers/cookie-browser";
import { dashboardAuth, startDashboard, type DashboardProcess } from "./helpers/dashboard-process";
import { repoRoot } from "./helpers/driver-build";
import { oidcClient, startOidcProvider, type TestProvider } from "./helpers/oidc-provider";

// Single sign-on against a real OpenID Connect provider on 127.0.0.1, through
// the built dashboard (`npx next build` first), driven over HTTP as a browser
// would: kobuild's button route, the provider's login and consent pages, the
// callback, and the session that results.
const BASE = Number(process.env.KOBUILD_E2E_PORT ?? 3100) + 50;
const PORTS = { dashboard: BASE, provider: BASE + 1, nobody: BASE + 2 };

type Listed = { id: number; name: string; role: string; hasPassword: boolean; singleSignOn: boolean };

let provider: TestProvider;
let dashboard: DashboardProcess;
let dataDir: string;

function ssoEnv(issuer: string): Record<string, string> {
  return {
    KOBUILD_OIDC_ISSUER: issuer,
    KOBUILD_OIDC_CLIENT_ID: oidcClient.id,
    KOBUILD_OIDC_CLIENT_SECRET: oidcClient.secret,
    KOBUILD_OIDC_ROLE_CLAIM: "groups",
    KOBUILD_OIDC_ADMIN_VALUES: "kobuild-admins",
    KOBUILD_OIDC_OPERATOR_VALUES: "release, firmware",
    KOBUILD_OIDC_VIEWER_VALUES: "staff",
    KOBUILD_OIDC_NAME: "Test SSO",
  };
}

beforeAll(async () => {
  provider = await startOidcProvider({
    port: PORTS.provider,
    redirectUris: [`http://127.0.0.1:${PORTS.dashboard}/api/auth/oidc/callback`],
    accounts: { alice: { groups: ["staff", "kobuild-admins"] }, olga: { groups: ["firmware"] }, mallory: { groups: ["marketing"] }, carol: { groups: ["staff"] } },
  });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-sso-"));
  dashboard = await startDashboard(dataDir, PORTS.dashboard, ssoEnv(provider.issuer));
});

afterAll(async () => {
  await dashboard?.kill("SIGTERM");
  await provider?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Clicks "Sign in with Test SSO" and signs in at the provider as `account`; returns the answer the dashboard's callback leads to. */
async function signInAs(browser: CookieBrowser, account: string, next = "/builds") {
  const atProvider = await browser.follow(`${dashboard.url}/api/auth/oidc/start?next=${encodeURIComponent(next)}`);
  expect(atProvider.url.origin).toBe(provider.issuer);
  const loginPage = { html: await atProvider.response.text(), url: atProvider.url };
  expect(loginPage.html).toMatch(/name="login"/);
  // The provider's login form leads to its consent page, whose form leads back to kobuild.
  const consent = await browser.submitForm(loginPage, { login: account, password: "any password" });
  const consentPage = { html: await consent.response.text(), url: consent.url };
  const back = await browser.submitForm(consentPage);
  return back;
}

async function listedUsers(): Promise<Listed[]> {
  const response = await fetch(`${dashboard.url}/api/users`, { headers: dashboardAuth });
  expect(response.status).toBe(200);
  const body = (await response.json()) as Listed[] | { users: Listed[] };
  return Array.isArray(body) ? body : body.users;
}

describe("single sign-on", () => {
  it("shows the provider's button on the sign-in page, and never the client secret", async () => {
    const html = await (await fetch(`${dashboard.url}/login?next=/builds`)).text();
    expect(html).toContain("Sign in with Test SSO");
    expect(html).toContain("/api/auth/oidc/start?next=%2Fbuilds");
    expect(html).not.toContain(oidcClient.secret);
  });

  it("signs a provider admin in as an admin, on the page they asked for, with a kobuild session", async () => {
    const browser = new CookieBrowser();
    const { response, url, hops } = await signInAs(browser, "alice", "/builds");
    // The last hop before the page is kobuild's callback.
    expect(hops.some((hop) => hop.pathname === "/api/auth/oidc/callback" && hop.origin === dashboard.url)).toBe(true);
    expect(url.href).toBe(`${dashboard.url}/builds`);
    expect(response.status).toBe(200);
    expect(browser.cookies.has("kobuild_session")).toBe(true);
    // The flow cookie is used once and gone.
    expect(browser.cookies.has("kobuild_oidc_flow")).toBe(false);
    // An admin's door opens with the session cookie.
    const users = await browser.fetch(`${dashboard.url}/api/users`);
    expect(users.status).toBe(200);
    const alice = (await listedUsers()).find((u) => u.name === "alice");
    expect(alice).toMatchObject({ role: "admin", hasPassword: false, singleSignOn: true });
    // Settings shows admins where sign-in goes, never the client secret.
    const settings = await (await browser.fetch(`${dashboard.url}/settings`)).text();
    expect(settings).toContain(provider.issuer);
    expect(settings).toContain("kobuild-admins");
    expect(settings).not.toContain(oidcClient.secret);
  });

  it("maps an operator's group to operator, and a changed group at the provider to a new role at the next sign-in", async () => {
    const first = new CookieBrowser();
    await signInAs(first, "olga");
    expect((await first.fetch(`${dashboard.url}/api/builds`)).status).toBe(200);
    // operator, not admin: the users door is closed.
    expect((await first.fetch(`${dashboard.url}/api/users`)).status).toBe(403);
    const before = (await listedUsers()).filter((u) => u.name.startsWith("olga"));
    expect(before).toEqual([expect.objectContaining({ name: "olga", role: "operator" })]);

    provider.accounts.set("olga", { groups: ["staff"] });
    const second = new CookieBrowser();
    await signInAs(second, "olga");
    const after = (await listedUsers()).filter((u) => u.name.startsWith("olga"));
    // The same user (linked by issuer and subject), now a viewer.
    expect(after).toEqual([expect.objectContaining({ id: before[0]!.id, name: "olga", role: "viewer" })]);
  });

  it("refuses a provider user an admin disabled, and ends their sessions", async () => {
    const browser = new CookieBrowser();
    provider.accounts.set("dave", { groups: ["staff"] });
    await signInAs(browser, "dave");
    expect((await browser.fetch(`${dashboard.url}/api/builds`)).status).toBe(200);
    const dave = (await listedUsers()).find((u) => u.name === "dave")!;
    expect((await fetch(`${dashboard.url}/api/users/${dave.id}`, { method: "DELETE", headers: dashboardAuth })).status).toBe(200);
    expect((await browser.fetch(`${dashboard.url}/api/builds`)).status).toBe(401);
    const again = await signInAs(new CookieBrowser(), "dave");
    expect(again.response.status).toBe(403);
    expect(await again.response.text()).toMatch(/dave is disabled on this dashboard/);
  });

  it("refuses a user whose groups map to no role with a 403 page, and gives them no session and no user", async () => {
    const browser = new CookieBrowser();
    const { response, url } = await signInAs(browser, "mallory");
    expect(url.pathname).toBe("/api/auth/oidc/callback");
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toContain("Sign-in refused");
    expect(page).toMatch(/mallory signed in at Test SSO, but none of their groups values is one kobuild gives a role to/);
    expect(browser.cookies.has("kobuild_session")).toBe(false);
    expect((await listedUsers()).some((u) => u.name.startsWith("mallory"))).toBe(false);
  });

  it("refuses a callback whose state was tampered with (400), and one whose flow cookie is missing", async () => {
    const browser = new CookieBrowser();
    const atProvider = await browser.follow(`${dashboard.url}/api/auth/oidc/start?next=/`);
    const consent = await browser.submitForm({ html: await atProvider.response.text(), url: atProvider.url }, { login: "alice", password: "x" });
    const consentPage = { html: await consent.response.text(), url: consent.url };
    // Stop at the provider's redirect back to kobuild and change the state in it.
    const form = /<form\b[^>]*action="([^"]*)"/i.exec(consentPage.html)!;
    let hop = await browser.fetch(new URL(form[1]!.replace(/&amp;/g, "&"), consentPage.url), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: hiddenFields(consentPage.html) });
    let location = new URL(hop.headers.get("location")!, consentPage.url);
    while (location.origin === provider.issuer) {
      hop = await browser.fetch(location);
      location = new URL(hop.headers.get("location")!, location);
    }
    expect(location.pathname).toBe("/api/auth/oidc/callback");
    const tampered = new URL(location);
    tampered.searchParams.set("state", `${location.searchParams.get("state")}x`);
    const withoutCookie = await fetch(location, { redirect: "manual" });
    expect(withoutCookie.status).toBe(400);
    expect(await withoutCookie.text()).toMatch(/not started in this browser/);
    const refused = await browser.fetch(tampered);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/could not be completed/);
    expect(browser.cookies.has("kobuild_session")).toBe(false);
  });

  it("lands on the overview for a `next` that leaves the dashboard, and keeps password users apart from a provider user of the same name", async () => {
    const created = await fetch(`${dashboard.url}/api/users`, {
      method: "POST",
      headers: { ...dashboardAuth, "content-type": "application/json" },
      body: JSON.stringify({ name: "carol", role: "admin", password: "carol's own password" }),
    });
    expect(created.status).toBe(201);
    const browser = new CookieBrowser();
    const { url } = await signInAs(browser, "carol", "//evil.example/steal");
    expect(url.href).toBe(`${dashboard.url}/`);
    const carols = (await listedUsers()).filter((u) => u.name.startsWith("carol"));
    expect(carols).toEqual([
      expect.objectContaining({ name: "carol", role: "admin", hasPassword: true, singleSignOn: false }),
      expect.objectContaining({ name: "carol-2", role: "viewer", hasPassword: false, singleSignOn: true }),
    ]);
    // The provider's carol is a viewer: not the password admin of the same name.
    expect((await browser.fetch(`${dashboard.url}/api/users`)).status).toBe(403);
    // Passwords keep working.
    const password = await fetch(`${dashboard.url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "carol", password: "carol's own password" }) });
    expect(password.status).toBe(200);
  });
});

function hiddenFields(html: string): URLSearchParams {
  const body = new URLSearchParams();
  for (const input of html.matchAll(/<input\b[^>]*type="hidden"[^>]*>/gi)) {
    const name = /name="([^"]*)"/i.exec(input[0])?.[1];
    if (name) body.set(name, /value="([^"]*)"/i.exec(input[0])?.[1] ?? "");
  }
  return body;
}

describe("single sign-on configuration at start-up", () => {
  function start(env: Record<string, string>) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-sso-start-"));
    const result = spawnSync(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), "scripts/start.ts"], {
      cwd: repoRoot,
      env: { ...process.env, KOBUILD_DATA_DIR: dir, KOBUILD_PORT: String(PORTS.nobody), ...env },
      encoding: "utf8",
      timeout: 60_000,
    });
    fs.rmSync(dir, { recursive: true, force: true });
    return { status: result.status, lines: result.stderr.trim().split("\n") };
  }

  it("stops with one line naming KOBUILD_OIDC_ISSUER when the issuer does not answer", () => {
    const { status, lines } = start(ssoEnv(`http://127.0.0.1:${PORTS.nobody}/realms/none`));
    expect(status).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^kobuild: invalid configuration: KOBUILD_OIDC_ISSUER does not answer as an OpenID Connect provider: .+\(got "http:\/\/127\.0\.0\.1:\d+\/realms\/none"\)$/);
  });

  it("stops with one line naming KOBUILD_OIDC_ISSUER when the address is not a provider's (no discovery document there)", () => {
    // The server answers, but 404 for the discovery document under this path.
    const { status, lines } = start(ssoEnv(`${provider.issuer}/other-realm`));
    expect(status).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^kobuild: invalid configuration: KOBUILD_OIDC_ISSUER does not answer as an OpenID Connect provider/);
  });

  it("stops with one line naming what is missing from a partial configuration, without the secret", () => {
    const missing = start({ ...ssoEnv(provider.issuer), KOBUILD_OIDC_CLIENT_SECRET: "" });
    expect(missing.status).toBe(1);
    expect(missing.lines).toHaveLength(1);
    expect(missing.lines[0]).toMatch(/^kobuild: invalid configuration: KOBUILD_OIDC_CLIENT_SECRET must be set/);
    const plain = start({ ...ssoEnv(provider.issuer), KOBUILD_OIDC_ISSUER: "http://login.example.com" });
    expect(plain.lines).toEqual([expect.stringMatching(/^kobuild: invalid configuration: KOBUILD_OIDC_ISSUER must be an https:\/\/ address/)]);
    expect(plain.lines.join("\n")).not.toContain(oidcClient.secret);
  });
});
