import path from "node:path";
import type { Page } from "@playwright/test";

/** Saves what a person sees, so every page can be looked at after a run. */
export async function saveScreenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join("e2e", ".artifacts", "screenshots", `${name}.png`), fullPage: true });
}
