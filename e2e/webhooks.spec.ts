import http from "node:http";
import { expect, test } from "@playwright/test";
import { ports } from "../playwright.config";
import { saveScreenshot } from "./screenshot";

// Settings → Webhooks against a real receiver on 127.0.0.1: a refusal shown
// in the form, a hook added, a ping delivered, "Send again" by keyboard, and
// the hook removed; the secret is never on the page or in the API's answers.

const RECEIVER_PORT = ports.main + 60;
const received: { path: string; event: string }[] = [];
let receiver: http.Server;

test.beforeAll(async () => {
  receiver = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      received.push({ path: request.url ?? "/", event: String(request.headers["x-kobuild-event"] ?? "") });
      response.end("thanks");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(RECEIVER_PORT, "127.0.0.1", resolve));
});

test.afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
});

test("an admin adds a webhook on Settings, pings it, sends a delivery again and removes it", async ({ page, request }) => {
  const url = `http://127.0.0.1:${RECEIVER_PORT}/e2e-hook`;
  const secret = `e2e-webhook-secret-${Date.now()}`;
  await page.goto("/settings");
  const section = page.getByRole("region", { name: "Webhooks" });
  const form = page.getByRole("form", { name: "Add a webhook" });

  await form.getByLabel("URL").fill("ftp://127.0.0.1/e2e-hook");
  await form.getByLabel("Secret").fill(secret);
  await form.getByRole("button", { name: "Add webhook" }).click();
  await expect(form.getByRole("alert")).toContainText("url: must be an http:// or https:// URL");
  await expect(form.getByLabel("URL")).toHaveAttribute("aria-invalid", "true");
  expect(((await (await request.get("/api/webhooks")).json()) as { webhooks: unknown[] }).webhooks).toHaveLength(0);

  await form.getByLabel("URL").fill(url);
  await form.getByLabel("failures.new").check();
  await form.getByRole("button", { name: "Add webhook" }).click();
  const hook = section.getByRole("article", { name: url });
  await expect(hook).toContainText("build.failed, failures.new");
  await expect(hook).toContainText("kobuild's signed JSON");

  await hook.getByRole("button", { name: `Send a ping to ${url}` }).click();
  const deliveries = hook.getByRole("table", { name: `Recent deliveries to ${url}, newest first` });
  await expect(deliveries.getByRole("row").nth(1)).toContainText("delivered");
  await expect(deliveries.getByRole("row").nth(1)).toContainText("200");
  expect(received).toEqual([{ path: "/e2e-hook", event: "ping" }]);

  // Keyboard only: the button takes the focus and Enter sends the delivery again.
  await deliveries.getByRole("button", { name: /^Send delivery #\d+ \(ping\) again$/ }).focus();
  await page.keyboard.press("Enter");
  await expect(deliveries.getByRole("row")).toHaveCount(3);
  await expect(deliveries.getByRole("row").nth(1)).toContainText(/again of #\d+/);
  await expect(deliveries.getByRole("row").nth(1)).toContainText("delivered");
  expect(received).toHaveLength(2);

  // Edit: the events change and the secret is rotated; a secret too short is refused first, changing nothing.
  const rotated = `e2e-rotated-secret-${Date.now()}`;
  await hook.getByRole("button", { name: `Edit the webhook ${url} or rotate its secret` }).click();
  const edit = hook.getByRole("form", { name: `Edit the webhook ${url}` });
  await edit.getByLabel("channel.held").check();
  await edit.getByLabel("New secret").fill("too short");
  await edit.getByRole("button", { name: "Save and rotate the secret" }).click();
  await expect(edit.getByRole("alert")).toContainText("secret: must be at least 16 characters");
  await expect(edit.getByLabel("New secret")).toHaveAttribute("aria-invalid", "true");
  await expect(hook).toContainText("build.failed, failures.new");
  await saveScreenshot(page, "settings-webhooks-edit");
  await edit.getByLabel("New secret").fill(rotated);
  await edit.getByRole("button", { name: "Save and rotate the secret" }).click();
  await expect(edit).toBeHidden();
  await expect(hook).toContainText("build.failed, failures.new, channel.held");
  expect(await page.content()).not.toContain(rotated);
  expect(await (await request.get("/api/webhooks")).text()).not.toContain(rotated);

  expect(await page.content()).not.toContain(secret);
  expect(await (await request.get("/api/webhooks")).text()).not.toContain(secret);
  await saveScreenshot(page, "settings-webhooks");

  await hook.getByRole("button", { name: `Remove the webhook ${url}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove webhook" }).click();
  await expect(section.getByText("No webhook yet.")).toBeVisible();
});
