import { expect, test } from "@playwright/test";
import { saveScreenshot } from "./screenshot";

test("an admin sets how long records are kept, gives a workspace its own rules and sees what a prune would remove", async ({ page, request }) => {
  await page.goto("/settings");
  const section = page.getByRole("region", { name: "Retention" });
  const policy = section.getByRole("form", { name: "Default retention policy" });
  await policy.getByLabel("Builds: days kept").fill("30");
  await policy.getByLabel("Audit rows: newest kept").fill("100000");
  await policy.getByLabel("Image records: days kept").fill("0");
  await policy.getByRole("button", { name: "Save default policy" }).click();
  // Refused with the API's words, and nothing stored.
  await expect(section.getByRole("alert")).toContainText("default.images.maxAgeDays: Too small");
  await policy.getByLabel("Image records: days kept").fill("");
  await policy.getByRole("button", { name: "Save default policy" }).click();
  await expect(page.getByText("Default policy saved.")).toBeVisible();

  const perWorkspace = section.getByRole("form", { name: "A workspace's retention policy" });
  await perWorkspace.getByLabel("Builds: days kept").fill("14");
  await perWorkspace.getByLabel("Builds: newest kept").fill("20");
  await perWorkspace.getByRole("button", { name: "Save for this workspace" }).click();
  await expect(perWorkspace).toContainText("own rules: builds 14 days, newest 20; logs no limit");

  const stored = (await (await request.get("/api/retention")).json()) as { default: { builds: { maxAgeDays: number | null }; images: { maxAgeDays: number | null }; audit: { maxCount: number | null } }; workspaces: { override: { builds: { maxCount: number | null } } | null }[] };
  expect(stored.default.builds.maxAgeDays).toBe(30);
  expect(stored.default.images.maxAgeDays).toBeNull();
  expect(stored.default.audit.maxCount).toBe(100000);
  expect(stored.workspaces[0]?.override?.builds.maxCount).toBe(20);

  await section.getByRole("button", { name: "Dry run: list what would go" }).click();
  await expect(section.getByRole("status").filter({ hasText: "Dry run at" })).toBeVisible();
  await section.scrollIntoViewIfNeeded();
  await saveScreenshot(page, "settings-retention");
});
