import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { saveScreenshot } from "./screenshot";

// The sample's bundles, as `npm run sample` stored them for the main instance.
const sampleBundles = fs
  .readdirSync(path.join(__dirname, "..", "data", "cache", "bundles"))
  .filter((f) => /^bundle-.+\.tgz$/.test(f))
  .map((f) => f.slice("bundle-".length, -".tgz".length));

test("the bundles page lists every sample bundle with the builder it goes to", async ({ page }) => {
  expect(sampleBundles.length).toBeGreaterThanOrEqual(5);
  await page.goto("/bundles");
  const table = page.getByRole("table", { name: "Header bundles" });
  for (const kernel of sampleBundles) {
    const row = table.getByRole("row").filter({ has: page.getByRole("rowheader", { name: kernel, exact: true }) });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(kernel.startsWith("3.") ? "RHEL 7" : "RHEL 8");
  }
  await saveScreenshot(page, "bundles-sample");
});
