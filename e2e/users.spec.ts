import { expect, test } from "@playwright/test";
import { saveScreenshot } from "./screenshot";

test("an admin adds an operator on Settings, who signs in with fewer rights and is shut out once disabled", async ({ page, browser, baseURL }) => {
  const name = `olga-${Date.now()}`;
  const password = "operator password 1";
  await page.goto("/settings");
  const add = page.getByRole("form", { name: "Add a user" });
  await add.getByLabel("User name").fill(name);
  await add.getByLabel("Role").selectOption("operator");
  await add.getByLabel("Password").fill(password);
  await add.getByRole("button", { name: "Add user" }).click();
  const row = page.getByRole("table", { name: "Users" }).getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("operator");

  const olga = await (await browser.newContext({ baseURL, storageState: undefined })).newPage();
  await olga.goto("/login");
  await olga.getByLabel("User name").fill(name);
  await olga.getByLabel("Password").fill(password);
  await olga.getByRole("button", { name: "Sign in" }).click();
  await expect(olga.getByTestId("signed-in-as")).toContainText(`${name} (operator)`);
  await olga.goto("/settings");
  await expect(olga.getByText(/are for admins; you are signed in as/)).toBeVisible();
  await expect(olga.getByRole("form", { name: "Change your password" })).toBeVisible();
  expect((await olga.request.get("/api/users")).status()).toBe(403);
  await saveScreenshot(olga, "settings-operator");

  page.once("dialog", (dialog) => void dialog.accept());
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row).toContainText("(disabled)");
  await olga.goto("/builds");
  await expect(olga).toHaveURL(/\/login$/);
});
