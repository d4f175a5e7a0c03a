import { expect, test, type Page } from "@playwright/test";
import { privateEngine } from "../test/integration/helpers/private-engine";
import { adminState, ports } from "../playwright.config";
import { saveScreenshot } from "./screenshot";

// A second dockerd of the spec's own, added on Settings, stopped while the
// page is open, and removed again.
const engine = privateEngine("e2e-engines");
const NAME = "e2e engine";

type Engine = { id: string; name: string; concurrency: number; health: { reachable: boolean; version: string | null } };

test.beforeAll(async () => {
  await engine.start();
});

test.afterAll(async ({ playwright }) => {
  // A failed run must not leave its engine on the shared instance.
  const api = await playwright.request.newContext({ baseURL: `http://127.0.0.1:${ports.main}`, storageState: adminState });
  const { engines } = (await (await api.get("/api/engines")).json()) as { engines: Engine[] };
  for (const e of engines.filter((e) => e.name === NAME)) await api.delete(`/api/engines/${e.id}`);
  await api.dispose();
  await engine.destroy();
});

const table = (page: Page) => page.getByRole("table", { name: "Docker engines" });
const rowOf = (page: Page, name: string) => table(page).getByRole("row").filter({ has: page.getByRole("rowheader", { name }) });
const listed = async (page: Page) => ((await (await page.request.get("/api/engines")).json()) as { engines: Engine[] }).engines;

test("an engine is added on Settings once it answers, turns down when it stops without a reload, and is removed through the dialog", async ({ page }) => {
  const version = engine.docker(["version", "--format", "{{.Server.Version}}"]).trim();
  await page.goto("/settings");
  await expect(rowOf(page, "default").getByTestId("engine-health")).toContainText("up · Docker");

  const form = page.getByRole("form", { name: "Add an engine" });
  await form.getByLabel("Name", { exact: true }).fill(NAME);
  // An ssh:// address goes through OpenSSH: the form says so, and ssh's refusal comes back in words.
  await form.getByLabel("Address").fill("ssh://root@127.0.0.1:1");
  await expect(form.getByLabel("Address")).toHaveAccessibleDescription(/the dashboard host's OpenSSH/);
  await form.getByRole("button", { name: "Add engine" }).click();
  await expect(form.getByRole("alert")).toContainText("did not answer: ssh: connection refused (no ssh server on that port)");
  await saveScreenshot(page, "settings-engines-ssh");

  await form.getByLabel("Address").fill(`${engine.host}.nothing-here`);
  await expect(form.getByLabel("TLS certificate directory")).toBeDisabled();
  await form.getByRole("button", { name: "Add engine" }).click();
  await expect(form.getByRole("alert")).toContainText("did not answer: no engine socket at that path");
  expect((await listed(page)).map((e) => e.name)).toEqual(["default"]);

  await form.getByLabel("Address").fill(engine.host);
  await form.getByLabel("Builds at once").fill("2");
  await form.getByRole("button", { name: "Add engine" }).click();
  const row = rowOf(page, NAME);
  await expect(row.getByTestId("engine-health")).toContainText(`up · Docker ${version} · BuildKit`);
  await expect(row).toContainText(engine.host);
  await expect(form.getByLabel("Name", { exact: true })).toHaveValue("");
  await saveScreenshot(page, "settings-engines");

  const builds = row.getByRole("spinbutton", { name: `Builds at once on ${NAME}` });
  await expect(builds).toHaveValue("2");
  await builds.fill("3");
  await row.getByRole("button", { name: "Save" }).click();
  await expect(row.getByRole("button", { name: "Save" })).toBeDisabled();
  await expect.poll(async () => (await listed(page)).find((e) => e.name === NAME)?.concurrency).toBe(3);

  // The overview names it beside the default engine, up, and leads back here.
  await page.goto("/");
  const others = page.getByTestId("other-engines");
  await expect(others).toContainText("1 more engine for sharded builds, 1 up");
  await expect(others.getByRole("listitem").filter({ hasText: NAME }).getByTestId("engine-health")).toContainText(`up · Docker ${version}`);
  await saveScreenshot(page, "overview-engines");
  await others.getByRole("link", { name: "manage" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Docker engines" })).toBeVisible();

  // The page stays as it is; the list polls the engines.
  await engine.stop("SIGTERM");
  await expect(row.getByTestId("engine-health")).toContainText("down · no engine socket at that path", { timeout: 20_000 });
  await expect(row.getByTestId("engine-health")).toHaveAttribute("data-reachable", "false");
  await page.emulateMedia({ colorScheme: "dark" });
  await saveScreenshot(page, "settings-engines-dark");

  // Escape keeps the engine; the confirm button removes it.
  await row.getByRole("button", { name: `Remove ${NAME}` }).click();
  const dialog = page.getByRole("dialog", { name: `Remove engine ${NAME}?` });
  await expect(dialog.getByRole("button", { name: "Remove engine" })).toBeFocused();
  await saveScreenshot(page, "settings-engines-dark-remove");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(row.getByRole("button", { name: `Remove ${NAME}` })).toBeFocused();
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: `Remove ${NAME}` }).click();
  await dialog.getByRole("button", { name: "Remove engine" }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toHaveCount(0);
  expect((await listed(page)).map((e) => e.name)).toEqual(["default"]);
});
