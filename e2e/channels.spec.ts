import { expect, test } from "@playwright/test";
import { saveScreenshot } from "./screenshot";

// The Channels page as an admin uses it: a channel added through the form
// (a bad cron line refused under its field, nothing stored), listed with its
// policy, changed in the Edit dialog (a bad cron line refused there too),
// and deleted after a confirmation; an operator sees Sync now but none of
// the admin's controls.

type Listed = { channels: { id: number; name: string; branch: string; triggers: { bundleStored: boolean; schedule: string | null }; policy: { squashAboveLayers: number; squashAboveLayersIsDefault: boolean } }[] };

test("an admin adds a channel on the page, sees it listed, edits it and deletes it; a bad cron line is refused next to its field", async ({ page, request, browser, baseURL }) => {
  const stamp = Date.now().toString(36);
  const name = `e2e-stable-${stamp}`;
  const image = `kobuild-e2e/channel-${stamp}/collector-drivers:stable`;
  const listed = async () => ((await (await request.get("/api/channels")).json()) as Listed).channels.find((c) => c.name === name);

  await page.goto("/channels");
  await page.getByText("Add a channel").click();
  const form = page.getByRole("form", { name: "Add a channel" });
  await form.getByLabel("Name").fill(name);
  // The workspace's default branch is offered at once, as on the build form.
  await expect(form.getByLabel("Branch or tag (BRANCH)")).toHaveValue("master");
  await expect(form.getByText(/^branch at [0-9a-f]{12}:/)).toBeVisible();
  await form.getByLabel("Image (repository:tag)").fill(image);
  await form.getByLabel("Schedule (cron line, UTC)").fill("0 25 * * *");
  await form.getByLabel("Squash above (layers)").fill("50");
  await form.getByRole("button", { name: "Add channel" }).click();
  const schedule = form.getByLabel("Schedule (cron line, UTC)");
  await expect(schedule).toHaveAttribute("aria-invalid", "true");
  await expect(form.locator(`#${await schedule.getAttribute("aria-describedby").then((ids) => ids!.split(" ").pop())}`)).toContainText("is not a cron line");
  expect(await listed()).toBeUndefined();
  await saveScreenshot(page, "channels-add-refused");

  await schedule.fill("0 3 * * *");
  await form.getByRole("button", { name: "Add channel" }).click();
  const card = page.getByRole("region", { name });
  await expect(card).toBeVisible();
  await expect(card).toContainText("on schedule 0 3 * * * UTC");
  await expect(card).toContainText("squashed above 50 layers");
  await expect(card).toContainText(image);
  expect(await listed()).toMatchObject({ branch: "master", triggers: { bundleStored: true, schedule: "0 3 * * *" }, policy: { squashAboveLayers: 50, squashAboveLayersIsDefault: false } });
  await saveScreenshot(page, "channels-admin");

  await card.getByRole("button", { name: `Edit channel ${name}` }).click();
  const dialog = page.getByRole("dialog", { name: `Change channel ${name}` });
  const edit = dialog.getByRole("form", { name: `Change channel ${name}` });
  await expect(edit.getByLabel("Workspace")).toBeDisabled();
  await edit.getByLabel("when a bundle is stored (upload, API or bundle source)").uncheck();
  await edit.getByLabel("Schedule (cron line, UTC)").fill("every night");
  await edit.getByLabel("Squash above (layers)").fill("");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(edit.getByLabel("Schedule (cron line, UTC)")).toHaveAttribute("aria-invalid", "true");
  await expect(edit).toContainText("must be a cron line of five fields");
  await saveScreenshot(page, "channels-edit-refused");
  expect(await listed()).toMatchObject({ triggers: { bundleStored: true, schedule: "0 3 * * *" } });

  await edit.getByLabel("Schedule (cron line, UTC)").fill("30 4 * * 1");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(dialog).toBeHidden();
  await expect(card).toContainText("on schedule 30 4 * * 1 UTC");
  await expect(card).not.toContainText("when bundles are stored");
  await expect(card).toContainText("(the default)");
  expect(await listed()).toMatchObject({ triggers: { bundleStored: false, schedule: "30 4 * * 1" }, policy: { squashAboveLayersIsDefault: true } });

  // An operator syncs channels but neither adds, edits nor deletes them.
  const operator = `olivia-${stamp}`;
  const password = "operator password 1";
  expect((await request.post("/api/users", { data: { name: operator, role: "operator", password } })).status()).toBe(201);
  const other = await (await browser.newContext({ baseURL, storageState: undefined })).newPage();
  await other.goto("/login");
  await other.getByLabel("User name").fill(operator);
  await other.getByLabel("Password").fill(password);
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other.getByTestId("signed-in-as")).toContainText(`${operator} (operator)`);
  await other.goto("/channels");
  const seen = other.getByRole("region", { name });
  await expect(seen).toBeVisible();
  await expect(seen.getByRole("button", { name: `Sync ${name} now` })).toBeVisible();
  await expect(other.getByText("Add a channel")).toHaveCount(0);
  await expect(seen.getByRole("button", { name: `Edit channel ${name}` })).toHaveCount(0);
  await expect(seen.getByRole("button", { name: `Delete channel ${name}` })).toHaveCount(0);
  await other.context().close();

  await card.getByRole("button", { name: `Delete channel ${name}` }).click();
  const confirm = page.getByRole("dialog", { name: `Delete channel ${name}?` });
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(card).toBeVisible();
  await card.getByRole("button", { name: `Delete channel ${name}` }).click();
  await confirm.getByRole("button", { name: "Delete channel" }).click();
  await expect(card).toHaveCount(0);
  expect(await listed()).toBeUndefined();
});
