import { expect, test, type Page } from "@playwright/test";
import { privatePodman } from "../test/integration/helpers/private-podman";
import { adminState, ports } from "../playwright.config";
import { saveScreenshot } from "./screenshot";

// A Podman service of the spec's own, added on Settings: its row says Podman,
// its version and that it builds with the classic builder only.
const podman = privatePodman("e2e-podman");
const NAME = "e2e podman";

type Engine = { id: string; name: string };

test.beforeAll(async () => {
  await podman.start();
});

test.afterAll(async ({ playwright }) => {
  // A failed run must not leave its engine on the shared instance.
  const api = await playwright.request.newContext({ baseURL: `http://127.0.0.1:${ports.main}`, storageState: adminState });
  const { engines } = (await (await api.get("/api/engines")).json()) as { engines: Engine[] };
  for (const e of engines.filter((e) => e.name === NAME)) await api.delete(`/api/engines/${e.id}`);
  await api.dispose();
  await podman.destroy();
});

const rowOf = (page: Page, name: string) =>
  page.getByRole("table", { name: "Docker engines" }).getByRole("row").filter({ has: page.getByRole("rowheader", { name }) });

test("a Podman engine is added on Settings and shown as Podman with its version, classic builder only, beside the Docker one", async ({ page }) => {
  await page.goto("/settings");
  const form = page.getByRole("form", { name: "Add an engine" });
  await form.getByLabel("Name", { exact: true }).fill(NAME);
  await form.getByLabel("Address").fill(podman.host);
  await form.getByRole("button", { name: "Add engine" }).click();
  const row = rowOf(page, NAME);
  await expect(row.getByTestId("engine-health")).toContainText(/^up · Podman \d+\.\d+\.\d+ · classic builder only$/);
  await expect(rowOf(page, "default").getByTestId("engine-health")).toContainText(/^up · Docker \S+ · BuildKit$/);
  await row.scrollIntoViewIfNeeded();
  await saveScreenshot(page, "settings-engines-podman");

  await row.getByRole("button", { name: `Remove ${NAME}` }).click();
  await page.getByRole("dialog", { name: `Remove engine ${NAME}?` }).getByRole("button", { name: "Remove engine" }).click();
  await expect(row).toHaveCount(0);
});
