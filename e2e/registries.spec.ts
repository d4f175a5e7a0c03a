import { expect, test } from "@playwright/test";
import { startTestRegistry, type TestRegistry } from "../test/integration/helpers/registry";
import { saveScreenshot } from "./screenshot";

// A real registry (Debian's docker-registry with basic auth) on 127.0.0.1.
let registry: TestRegistry;
test.beforeAll(async () => {
  registry = await startTestRegistry();
});
test.afterAll(async () => {
  await registry?.stop();
});

test("a registry is added on Settings only with working credentials, and its password is never shown again", async ({ page, request }) => {
  await page.goto("/settings");
  const form = page.getByRole("form", { name: "Add a registry" });
  await form.getByLabel("Name", { exact: true }).fill("e2e registry");
  await form.getByLabel("Address").fill(registry.url);
  await form.getByLabel("User name").fill(registry.username);
  await form.getByLabel("Password").fill(`${registry.password}-wrong`);
  await form.getByRole("button", { name: "Add registry" }).click();
  await expect(form.getByRole("alert")).toContainText(`refused the user name or password of ${registry.username}`);
  expect(((await (await request.get("/api/registries")).json()) as { registries: unknown[] }).registries).toHaveLength(0);

  await form.getByLabel("Password").fill(registry.password);
  await form.getByRole("button", { name: "Add registry" }).click();
  const row = page.getByRole("table", { name: "Configured registries" }).getByRole("row").filter({ hasText: "e2e registry" });
  await expect(row).toContainText(registry.url);
  await expect(row).toContainText("set (hidden)");
  expect(await page.content()).not.toContain(registry.password);
  const api = await (await request.get("/api/registries")).text();
  expect(api).not.toContain(registry.password);
  await saveScreenshot(page, "settings-registries");

  // A result pushed from the Images page lands in the registry.
  const { registries } = (await (await request.get("/api/registries")).json()) as { registries: { id: number }[] };
  await page.goto("/images");
  const push = page.getByRole("form", { name: "Push an image to a registry" });
  await push.getByLabel("Tag").fill("e2e-pushed");
  await push.getByRole("button", { name: "Push" }).click();
  await expect(push.getByRole("status")).toContainText(`Pushed ${registry.url}/drivers/collector-drivers:e2e-pushed`, { timeout: 60_000 });
  const tags = (await (await request.get(`/api/registries/${registries[0]!.id}/tags?repository=drivers/collector-drivers`)).json()) as { tags: string[] };
  expect(tags.tags).toContain("e2e-pushed");

  await page.goto("/settings");
  page.once("dialog", (dialog) => void dialog.accept());
  await row.getByRole("button", { name: "Remove" }).click();
  await expect(page.getByText("No registry yet.")).toBeVisible();
});
