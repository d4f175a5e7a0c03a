import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminRequest } from "./helpers/admin-request";
import { freshDataDir } from "./helpers/sample-data-dir";
import { until } from "./helpers/until";

// Webhooks as a dashboard without KOBUILD_WEBHOOK_ALLOW_PRIVATE has them (the
// other tests' environment allows their receivers on 127.0.0.1): a hook
// whose host is a loopback, link-local (the cloud metadata address) or
// private address is refused with 400 and nothing is stored, on adding and
// on changing; a hook stored while its name answered otherwise is checked
// again when a delivery goes out, and a real receiver on 127.0.0.1 hears
// nothing.

freshDataDir("webhook-addresses");
process.env.KOBUILD_WEBHOOK_ALLOW_PRIVATE = "false";
const PORT = Number(process.env.KOBUILD_E2E_PORT ?? 3100) + 41;

const { getDb } = await import("@/lib/db/client");
const { webhooks } = await import("@/lib/db/schema");
const { eq } = await import("drizzle-orm");
const { sealWebhookSecret } = await import("@/lib/webhooks/webhook-secret");
const { startWebhookDispatcher } = await import("@/lib/webhooks/webhook-dispatcher");
const hooksRoute = await import("@/app/api/webhooks/route");
const hookRoute = await import("@/app/api/webhooks/[id]/route");
const pingRoute = await import("@/app/api/webhooks/[id]/ping/route");

const none = { params: Promise.resolve({}) };
const idParams = (id: number) => ({ params: Promise.resolve({ id: String(id) }) });
const json = (method: string, body?: unknown) =>
  new AdminRequest("http://127.0.0.1/api/webhooks", { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
const SECRET = "a-secret-of-the-address-test";

let receiver: http.Server;
let heard = 0;

beforeAll(async () => {
  receiver = http.createServer((request, response) => {
    heard += 1;
    request.resume();
    response.end("ok");
  });
  await new Promise<void>((resolve) => receiver.listen(PORT, "127.0.0.1", resolve));
  startWebhookDispatcher();
});

afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
});

describe("webhooks to internal addresses", () => {
  it("are refused with 400 naming the reason, and nothing is stored", async () => {
    const cases: [string, RegExp][] = [
      [`http://127.0.0.1:${PORT}/hook`, /127\.0\.0\.1, a loopback address/],
      [`http://localhost:${PORT}/hook`, /localhost resolves to (127\.0\.0\.1|::1), a loopback address/],
      ["http://[::1]/hook", /::1, a loopback address/],
      ["http://169.254.169.254/latest/meta-data/", /169\.254\.169\.254, a link-local address/],
      ["http://[fe80::1]/hook", /fe80::1, a link-local address/],
      ["https://10.20.30.40/hook", /10\.20\.30\.40, a private address/],
      ["https://192.168.1.5/hook", /192\.168\.1\.5, a private address/],
      ["http://[::ffff:127.0.0.1]/hook", /a loopback address/],
    ];
    for (const [url, reason] of cases) {
      const response = await hooksRoute.POST(json("POST", { url, events: ["build.failed"], secret: SECRET }), none);
      expect(response.status, url).toBe(400);
      const error = ((await response.json()) as { error: string }).error;
      expect(error, url).toMatch(reason);
      expect(error, url).toMatch(/KOBUILD_WEBHOOK_ALLOW_PRIVATE=true/);
    }
    expect(getDb().select().from(webhooks).all()).toEqual([]);
  });

  it("a public address is stored; changing it to an internal one is refused and leaves it as it was", async () => {
    const created = await hooksRoute.POST(json("POST", { url: "https://203.0.113.7/hook", events: ["build.failed"], secret: SECRET }), none);
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { id: number }).id;
    const refused = await hookRoute.PATCH(json("PATCH", { url: "http://169.254.169.254/latest/meta-data/" }), idParams(id));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/169\.254\.169\.254, a link-local address/);
    expect(getDb().select().from(webhooks).all().map((h) => h.url)).toEqual(["https://203.0.113.7/hook"]);
    expect((await hookRoute.DELETE(json("DELETE"), idParams(id))).status).toBe(200);
  });

  it("a delivery to a hook whose name now resolves to an internal address fails with the reason, and nothing is sent", async () => {
    // As if `localhost` had answered a public address when the hook was stored: the row is written as the store would.
    const db = getDb();
    const row = db.insert(webhooks).values({ url: `http://localhost:${PORT}/hook`, events: ["build.failed"], format: "json", secretSealed: "", createdBy: "test", updatedAt: new Date() }).returning().get();
    db.update(webhooks).set({ secretSealed: sealWebhookSecret(row.id, SECRET) }).where(eq(webhooks.id, row.id)).run();
    const ping = await pingRoute.POST(json("POST"), idParams(row.id));
    expect(ping.status).toBe(201);
    const listed = async () => ((await (await hooksRoute.GET(json("GET"), none)).json()) as { webhooks: { id: number; deliveries: { status: string; attempts: number; error: string | null }[] }[] }).webhooks;
    const [hook] = await until("the refused delivery", listed, (hooks) => hooks[0]?.deliveries[0]?.status === "failed");
    const delivery = hook!.deliveries[0]!;
    expect(delivery.error).toMatch(/^not sent: localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
    // Refused for good: not tried again on the retry schedule.
    expect(delivery.attempts).toBe(1);
    expect(heard).toBe(0);
  });
});
