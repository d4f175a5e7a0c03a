import { expect, test } from "@playwright/test";
import { saveScreenshot } from "./screenshot";

test("the API page lists every area's operations from the OpenAPI document, each opening to its inputs and answers", async ({ page }) => {
  await page.goto("/settings");
  await page.getByRole("link", { name: "API", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "HTTP API" })).toBeVisible();

  // The page reads the same document clients download.
  const document = (await (await page.request.get("/api/openapi.json")).json()) as { paths: Record<string, Record<string, { summary: string }>> };
  const described = Object.values(document.paths).reduce((n, operations) => n + Object.keys(operations).length, 0);
  await expect(page.locator("details")).toHaveCount(described);

  const builds = page.getByRole("region", { name: "Builds" });
  const cancel = builds.locator("details").filter({ hasText: "/api/builds/{id}/cancel" });
  await expect(cancel).toContainText(document.paths["/api/builds/{id}/cancel"]!.post!.summary);
  await expect(cancel).toContainText("role: operator");
  await cancel.locator("summary").focus();
  await page.keyboard.press("Enter");
  await expect(cancel.getByRole("columnheader", { name: "Name" })).toBeVisible();
  await expect(cancel.getByText("409", { exact: true })).toBeVisible();
  await expect(cancel.getByRole("link", { name: "Build", exact: true }).first()).toBeVisible();

  const addUser = page.getByRole("region", { name: "Access" }).locator("details").filter({ hasText: "Add a user" });
  await addUser.locator("summary").click();
  await expect(addUser).toContainText("Request body");
  await expect(addUser).toContainText('"viewer" | "operator" | "admin"');
  await saveScreenshot(page, "api-docs");
});
