import fs from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import { runDir } from "../playwright.config";

/** The one-time link an instance printed at its first start (also kept in its data directory until it is used). */
export function firstAdminLink(instance: "main" | "no-engine") {
  return fs.readFileSync(path.join(runDir, instance, "first-admin-link"), "utf8").trim();
}

export const admin = { name: "e2e-admin", password: "correct horse battery staple" };

/** Creates the first admin of an instance through its one-time link page; the page is then signed in. */
export async function createFirstAdmin(page: Page, instance: "main" | "no-engine") {
  await page.goto(firstAdminLink(instance));
  await page.getByLabel("User name").fill(admin.name);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Create admin and sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText(admin.name);
}
