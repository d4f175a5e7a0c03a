import { expect, test } from "@playwright/test";
import { ports } from "../playwright.config";
import { saveScreenshot } from "./screenshot";

// Single sign-on in a real browser: the dashboard configured with a real
// OpenID Connect provider on 127.0.0.1 (e2e/single-sign-on-stack.ts), whose
// account erin is in the group kobuild maps to operator.
const sso = `http://127.0.0.1:${ports.sso}`;

test.describe("single sign-on", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("the sign-in page offers the provider above the password form; without single sign-on it shows the form only", async ({ page }) => {
    await page.goto(`${sso}/login`);
    const button = page.getByRole("link", { name: "Sign in with Example SSO" });
    await expect(button).toBeVisible();
    await expect(page.getByLabel("User name")).toBeVisible();
    // Keyboard users reach the button by Tab (after the navigation), and the password form right after it.
    let focused = "";
    for (let i = 0; i < 40 && focused !== "Sign in with Example SSO"; i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => document.activeElement?.textContent ?? "");
    }
    expect(focused).toBe("Sign in with Example SSO");
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("User name")).toBeFocused();
    await saveScreenshot(page, "login-single-sign-on");

    await page.goto("/login");
    await expect(page.getByLabel("User name")).toBeVisible();
    await expect(page.getByRole("link", { name: /^Sign in with/ })).toHaveCount(0);
    await saveScreenshot(page, "login-password-only");
  });

  test("clicking the button, signing in at the provider lands on the page asked for as that user, with the role of their group", async ({ page }) => {
    await page.goto(`${sso}/builds`);
    await expect(page).toHaveURL(/\/login/);
    await page.goto(`${sso}/login?next=/builds`);
    await page.getByRole("link", { name: "Sign in with Example SSO" }).click();
    // The provider's own login page.
    await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/interaction\//);
    expect(new URL(page.url()).port).toBe(String(ports.ssoProvider));
    await page.locator('input[name="login"]').fill("erin");
    await page.locator('input[name="password"]').fill("erin's password at the provider");
    await page.locator('button[type="submit"]').click();
    // Its consent page, then back to kobuild.
    await page.locator('button[type="submit"]').click();
    await expect(page).toHaveURL(`${sso}/builds`);
    await expect(page.getByRole("banner")).toContainText("erin");
    await expect(page.getByRole("banner")).toContainText("(operator)");
    await saveScreenshot(page, "single-sign-on-landed");

    // An operator, not an admin: the users' door stays shut.
    expect((await page.request.get(`${sso}/api/users`)).status()).toBe(403);
    expect((await page.request.get(`${sso}/api/builds`)).status()).toBe(200);

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    expect((await page.request.get(`${sso}/api/builds`)).status()).toBe(401);
  });

  test("a provider user whose groups map to no role sees why, with a way back, and is not signed in", async ({ page }) => {
    await page.goto(`${sso}/login`);
    await page.getByRole("link", { name: "Sign in with Example SSO" }).click();
    await page.locator('input[name="login"]').fill("mallory");
    await page.locator('input[name="password"]').fill("mallory's password");
    await page.locator('button[type="submit"]').click();
    await page.locator('button[type="submit"]').click();
    await expect(page.getByRole("heading", { name: "Sign-in refused" })).toBeVisible();
    await expect(page.getByText(/none of their groups values is one kobuild gives a role to/)).toBeVisible();
    await saveScreenshot(page, "single-sign-on-refused");
    expect((await page.request.get(`${sso}/api/builds`)).status()).toBe(401);
    await page.getByRole("link", { name: "Back to the sign-in page" }).click();
    await expect(page).toHaveURL(`${sso}/login`);
  });
});
