// The API's answers against its published contract: real routes over a real
// database and engine, each answer checked with a JSON Schema 2020-12
// validator against the schema GET /api/openapi.json gives for its status.
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { AdminRequest } from "./helpers/admin-request";
import { streamedUploadRequest } from "./helpers/bundle-store";
import { bundlesDir } from "./helpers/driver-build";
import { freshDataDir, makeSampleWorkspace } from "./helpers/sample-data-dir";

const dataDir = freshDataDir("api-contract");

const { importSample } = await import("@/lib/workspace/import-sample");
const { createBuild } = await import("@/lib/builds/create-build");
const { createBuildBodySchema } = await import("@/lib/builds/build-schemas");
const { cancelBuild } = await import("@/lib/builds/build-queue");
const openApiRoute = await import("@/app/api/openapi.json/route");

type Route = { [method: string]: unknown };
const routes: Record<string, () => Promise<Route>> = {
  "/api/health": () => import("@/app/api/health/route"),
  "/api/workspaces": () => import("@/app/api/workspaces/route"),
  "/api/workspaces/{id}": () => import("@/app/api/workspaces/[id]/route"),
  "/api/workspaces/{id}/refs": () => import("@/app/api/workspaces/[id]/refs/route"),
  "/api/builds/{id}/rerun": () => import("@/app/api/builds/[id]/rerun/route"),
  "/api/bundles": () => import("@/app/api/bundles/route"),
  "/api/bundle-sources": () => import("@/app/api/bundle-sources/route"),
  "/api/bundle-sources/{id}": () => import("@/app/api/bundle-sources/[id]/route"),
  "/api/bundle-sources/{id}/poll": () => import("@/app/api/bundle-sources/[id]/poll/route"),
  "/api/openapi.json": () => import("@/app/api/openapi.json/route"),
  "/api/engines": () => import("@/app/api/engines/route"),
  "/api/engines/{id}": () => import("@/app/api/engines/[id]/route"),
  "/api/registries": () => import("@/app/api/registries/route"),
  "/api/users": () => import("@/app/api/users/route"),
  "/api/tokens": () => import("@/app/api/tokens/route"),
  "/api/audit": () => import("@/app/api/audit/route"),
  "/api/retention": () => import("@/app/api/retention/route"),
  "/api/webhooks": () => import("@/app/api/webhooks/route"),
  "/api/webhooks/{id}": () => import("@/app/api/webhooks/[id]/route"),
  "/api/webhooks/{id}/ping": () => import("@/app/api/webhooks/[id]/ping/route"),
  "/api/builds": () => import("@/app/api/builds/route"),
  "/api/builds/{id}": () => import("@/app/api/builds/[id]/route"),
  "/api/builds/{id}/cancel": () => import("@/app/api/builds/[id]/cancel/route"),
};

type OpenApi = {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }>; "x-kobuild-undescribed"?: boolean }> }>>;
  components: Record<string, unknown>;
};
let document: OpenApi;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

let workspaceId = 0;
let buildId = 0;
let webhookId = 0;
let bundleSourceId = 0;

/**
 * Calls the route for `template` (its `{id}` filled from `params`) as an admin
 * would, and checks the answer's status is documented and its JSON body fits
 * the documented schema. Answers the body.
 */
async function call(method: string, template: string, params: Record<string, string | number> = {}, init: { body?: unknown; query?: string } = {}) {
  const url = "http://127.0.0.1" + template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name])) + (init.query ?? "");
  const handler = (await routes[template]!())[method] as (request: Request, context: unknown) => Promise<Response>;
  const request = new AdminRequest(url, { method, ...(init.body !== undefined ? { body: JSON.stringify(init.body), headers: { "content-type": "application/json" } } : {}) });
  const response = await handler(request, { params: Promise.resolve(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]))) });
  return check(method, template, response);
}

async function* notABundle() {
  yield Buffer.from("not a tar archive");
}

/** Checks an answer's status is documented for the operation and its JSON body fits the documented schema. */
async function check(method: string, template: string, response: Response) {
  const body: unknown = await response.json();
  const documented = document.paths[template]?.[method.toLowerCase()]?.responses[String(response.status)];
  expect(documented, `${method} ${template} answered ${response.status}, which the document does not list: ${JSON.stringify(body).slice(0, 300)}`).toBeDefined();
  expect(documented!["x-kobuild-undescribed"], `${method} ${template} ${response.status} has no documented schema`).toBeUndefined();
  const schema = documented!.content!["application/json"]!.schema;
  const validate = ajv.compile({ ...schema, components: document.components });
  const fits = validate(body);
  expect(validate.errors ?? [], `${method} ${template} ${response.status}: ${JSON.stringify(body).slice(0, 600)}`).toEqual([]);
  expect(fits).toBe(true);
  return { status: response.status, body: body as Record<string, unknown> };
}

beforeAll(async () => {
  const response = await openApiRoute.GET(new AdminRequest("http://127.0.0.1/api/openapi.json"), { params: Promise.resolve({}) });
  expect(response.status).toBe(200);
  document = (await response.json()) as OpenApi;
  const workspacePath = makeSampleWorkspace(dataDir);
  const sample = await importSample({ workspacePath, bundleDir: bundlesDir });
  workspaceId = sample.workspace.id;
});

afterAll(() => {
  if (buildId) cancelBuild(buildId);
});

describe("the API's answers fit its OpenAPI document", () => {
  it("serves the document to a viewer, and refuses it without a token", async () => {
    expect(Object.keys(document.paths).length).toBeGreaterThan(40);
    const anonymous = await openApiRoute.GET(new Request("http://127.0.0.1/api/openapi.json"), { params: Promise.resolve({}) });
    expect(anonymous.status).toBe(401);
  });

  it("health, workspaces and bundles", async () => {
    const health = await call("GET", "/api/health");
    expect(health.body.database).toEqual({ ok: true });
    const list = await call("GET", "/api/workspaces");
    expect((list.body.workspaces as { id: number }[]).map((w) => w.id)).toContain(workspaceId);
    await call("GET", "/api/workspaces/{id}", { id: workspaceId });
    const refs = await call("GET", "/api/workspaces/{id}/refs", { id: workspaceId });
    expect((refs.body.branches as { name: string }[]).map((b) => b.name)).toContain("master");
    const bundles = await call("GET", "/api/bundles", {}, { query: "?sort=kernel" });
    expect((bundles.body.bundles as unknown[]).length).toBeGreaterThanOrEqual(4);
    await call("GET", "/api/openapi.json");
  });

  it("bundle uploads: a file stored already, and a file that is no bundle", async () => {
    const bundlesRoute = await import("@/app/api/bundles/route");
    const none = { params: Promise.resolve({}) };
    const sample = fs.readdirSync(bundlesDir).find((name) => name.endsWith(".tgz"))!;
    const again = await check("POST", "/api/bundles", await bundlesRoute.POST(streamedUploadRequest(sample, fs.createReadStream(path.join(bundlesDir, sample))), none));
    expect(again).toMatchObject({ status: 200, body: { results: [{ file: sample, status: "duplicate" }] } });
    const junk = await check("POST", "/api/bundles", await bundlesRoute.POST(streamedUploadRequest("bundle-not-a-kernel.tgz", notABundle()), none));
    expect(junk.status).toBeGreaterThanOrEqual(400);
    expect(junk.body.results).toMatchObject([{ status: "rejected" }]);
  });

  it("a queued build, cancelled, as listed and shown", async () => {
    const created = await createBuild(createBuildBodySchema.parse({ workspaceId, branch: "master", checkoutBeforePatching: false }));
    buildId = created.id;
    const cancelled = await call("POST", "/api/builds/{id}/cancel", { id: buildId });
    expect(cancelled.status).toBe(202);
    const shown = await call("GET", "/api/builds/{id}", { id: buildId });
    expect(shown.body.id).toBe(buildId);
    // Whatever a cancelled build's re-run would be, the answer is a documented one.
    await call("GET", "/api/builds/{id}/rerun", { id: buildId });
    const listed = await call("GET", "/api/builds");
    expect((listed.body.builds as { id: number }[]).map((b) => b.id)).toContain(buildId);
    // A refusal fits the shared error shape.
    const missing = await call("GET", "/api/builds/{id}", { id: 999_999 });
    expect(missing).toMatchObject({ status: 404, body: { code: "not_found" } });
    const bad = await call("GET", "/api/builds/{id}", { id: "x" });
    expect(bad).toMatchObject({ status: 400, body: { code: "bad_request" } });
  });

  it("engines and registries", async () => {
    const engines = await call("GET", "/api/engines");
    const first = (engines.body.engines as { id: string; isDefault: boolean }[])[0]!;
    expect(first.isDefault).toBe(true);
    await call("GET", "/api/engines/{id}", { id: first.id });
    await call("GET", "/api/registries");
  });

  it("bundle sources and webhooks, made and listed", async () => {
    const source = await call("POST", "/api/bundle-sources", {}, { body: { kind: "directory", location: bundlesDir, pollMinutes: 600 } });
    expect(source.status).toBe(201);
    bundleSourceId = source.body.id as number;
    await call("GET", "/api/bundle-sources");
    await call("GET", "/api/bundle-sources/{id}", { id: bundleSourceId });
    const poll = await call("POST", "/api/bundle-sources/{id}/poll", { id: bundleSourceId });
    expect(poll.body).toMatchObject({ status: "ok", stored: 0 });
    const hook = await call("POST", "/api/webhooks", {}, { body: { url: "http://127.0.0.1:4399/hook", events: ["build.failed"], secret: "a-secret-of-enough-length" } });
    expect(hook.status).toBe(201);
    webhookId = hook.body.id as number;
    const ping = await call("POST", "/api/webhooks/{id}/ping", { id: webhookId });
    expect(ping.body.status).toBe("pending");
    const changed = await call("PATCH", "/api/webhooks/{id}", { id: webhookId }, { body: { events: ["build.failed", "channel.held"], secret: "a-rotated-secret-of-enough-length" } });
    expect(changed.body).toMatchObject({ id: webhookId, events: ["build.failed", "channel.held"] });
    const hooks = await call("GET", "/api/webhooks");
    expect((hooks.body.webhooks as { deliveries: unknown[] }[])[0]!.deliveries).toHaveLength(1);
  });

  it("users, tokens, audit and retention", async () => {
    const token = await call("POST", "/api/tokens", {}, { body: { name: "contract" } });
    expect(token.status).toBe(201);
    await call("GET", "/api/tokens");
    const users = await call("GET", "/api/users");
    expect((users.body.users as { name: string }[]).map((u) => u.name)).toContain("integration-admin");
    const audit = await call("GET", "/api/audit");
    expect((audit.body.entries as unknown[]).length).toBeGreaterThan(0);
    await call("GET", "/api/retention");
    await call("PUT", "/api/retention", {}, { body: { default: { builds: { maxAgeDays: 90, maxCount: null }, logs: { maxAgeDays: null, maxCount: null }, failures: { maxAgeDays: null, maxCount: null }, images: { maxAgeDays: null, maxCount: null }, audit: { maxAgeDays: null, maxCount: null } } } });
  });
});
