import { expect, test } from "@playwright/test";
import { adminState } from "../playwright.config";
import { admin, createFirstAdmin, firstAdminLink } from "./first-admin";
import { saveScreenshot } from "./screenshot";

test("the first admin is made from the one-time link, then signs in through the login page", async ({ page }) => {
  // Nobody is signed in: pages send the browser to the sign-in page, the API answers 401.
  await page.goto("/builds");
  await expect(page).toHaveURL(/\/login$/);
  expect((await page.request.get("/api/builds")).status()).toBe(401);

  const link = firstAdminLink("main");
  await createFirstAdmin(page, "main");
  // The link works once.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto(link);
  await page.getByLabel("User name").fill("second-admin");
  await page.getByLabel("Password").fill("another long password");
  await page.getByRole("button", { name: "Create admin and sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "this sign-in link is not valid" })).toBeVisible();

  await page.goto("/login");
  await page.getByLabel("User name").fill(admin.name);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "wrong user name or password" })).toBeVisible();
  await saveScreenshot(page, "login");
  await expect(page.getByLabel("User name")).toHaveValue(admin.name);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText(`${admin.name} (admin)`);
  const cookie = (await page.context().cookies()).find((c) => c.name === "kobuild_session")!;
  expect(cookie.httpOnly).toBe(true);
  expect(cookie.sameSite).toBe("Lax");
  await page.context().storageState({ path: adminState });
});
