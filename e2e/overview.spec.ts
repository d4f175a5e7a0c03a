import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { ports } from "../playwright.config";
import { createFirstAdmin } from "./first-admin";
import { saveScreenshot } from "./screenshot";

// The engine's own answer, asked without kobuild, is what the page must show.
function engineVersion(): string {
  return execFileSync("/usr/bin/docker", ["version", "--format", "{{.Server.Version}}"], { encoding: "utf8" }).trim();
}

test("the overview shows the Docker engine's version", async ({ page }) => {
  const version = engineVersion();
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  await expect(page.getByTestId("engine-version")).toHaveText(version);
  await expect(page.getByTestId("engine-badge")).toContainText(`Docker ${version}`);
  await saveScreenshot(page, "overview");
});

test("without an engine the overview says what is wrong and what to do", async ({ browser }) => {
  // Another instance, with its own first admin.
  const page = await (await browser.newContext({ baseURL: `http://127.0.0.1:${ports.noEngine}`, storageState: undefined })).newPage();
  await createFirstAdmin(page, "no-engine");
  await page.goto("/");
  const problem = page.getByTestId("engine-unreachable");
  await expect(problem).toContainText("cannot reach the Docker engine");
  await expect(problem).toContainText("no-engine.sock");
  await expect(page.getByText("start the engine on this machine")).toBeVisible();
  await expect(page.getByText(/set DOCKER_HOST/)).toBeVisible();
  await expect(page.getByTestId("engine-badge")).toContainText("unreachable");
  await saveScreenshot(page, "overview-no-engine");
  // Pages that do not need the engine still work.
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Configuration" }).getByRole("cell", { name: /no-engine\.sock/ })).toBeVisible();
  // The engines table says the default engine is down, and why.
  const engine = page.getByRole("table", { name: "Docker engines" }).getByRole("row").filter({ hasText: "no-engine.sock" });
  await expect(engine).toContainText("down");
  await expect(engine).toContainText("no engine socket at that path");
});

test("every section of the navigation opens its page", async ({ page }) => {
  await page.goto("/");
  for (const name of ["Bundles", "Builds", "Coverage", "Failures", "Images", "Settings"]) {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name }).click();
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    await expect(page.getByRole("link", { name, exact: true })).toHaveAttribute("aria-current", "page");
    await saveScreenshot(page, name.toLowerCase());
  }
});
