import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { saveScreenshot } from "./screenshot";

// A build sharded over two engines without a registry: both shards run on the
// default engine, one after the other, as child builds of their own; the
// coordinator merges and squashes them. The working tree gets a change no
// earlier build had, so the shards' builders really run while the page watches.

type Workspace = { id: number; name: string; path: string };
type Attempt = { buildId: number; attempt: number; status: string; engine: { name: string } | null; plan: { planned: number | null; done: number } };
type Sharded = { id: number; status: string; branch: string; shards: { index: number; kernels: number; attempts: Attempt[] }[] | null };
type Rerun = { buildId: number; tasks: number; kernels: { kernel: string; tasks: string[]; bundle: boolean }[] };

async function sampleWorkspace(request: APIRequestContext): Promise<Workspace> {
  const { workspaces } = (await (await request.get("/api/workspaces")).json()) as { workspaces: Workspace[] };
  const sample = workspaces.find((w) => w.name === "sample");
  expect(sample, "the sample workspace is registered").toBeTruthy();
  return sample!;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

test("a sharded build shows its shards live, leads to each shard, and re-runs what failed", async ({ page, request }) => {
  test.setTimeout(600_000);
  const workspace = await sampleWorkspace(request);
  fs.appendFileSync(path.join(workspace.path, "kernel-modules", "probe", "main.c"), `\n/* sharded build e2e ${Date.now()} */\n`);

  // The form: two engines, no registry (so both shards stay on the default engine), the working tree.
  await page.goto("/builds/new");
  await page.getByLabel(/CHECKOUT_BEFORE_PATCHING/).uncheck();
  const engines = page.getByRole("group", { name: "Engines" });
  await expect(engines.getByRole("radio", { name: "One engine" })).toBeChecked();
  await engines.getByRole("radio", { name: /^Sharded over/ }).check();
  await engines.getByLabel("Number of engines").fill("2");
  await expect(engines.getByRole("radio", { name: "Sharded over 2 engines" })).toBeChecked();
  await expect(engines.getByLabel("Registry")).toHaveValue("");
  await expect(engines.getByLabel("Registry").locator("option:checked")).toHaveText("none: shards stay on the default engine");
  await expect(engines.getByLabel("Attempts per shard")).toHaveValue("3");
  await expect(page.getByTestId("plan-shards")).toHaveText("Split into up to 2 shards by task count, all on the default engine (no registry).");
  await engines.scrollIntoViewIfNeeded();
  await saveScreenshot(page, "build-new-sharded");
  await page.getByRole("button", { name: /^Start build: \d+ tasks$/ }).click();
  await expect(page).toHaveURL(/\/builds\/\d+$/);
  const id = Number(new URL(page.url()).pathname.split("/").pop());
  // The build's own status (the lanes have theirs).
  const status = page.locator("main header").getByTestId("build-status");
  await expect(status).toHaveAttribute("data-status", /^(queued|running)$/);
  // Set on this document only: still there at the end means the page followed the build without a reload.
  await page.evaluate(() => Object.assign(window, { sameDocument: true }));

  // Two lanes appear under the shards stage and reach Succeeded as the shards finish.
  const lanes = page.getByTestId("shard-lane");
  await expect(lanes).toHaveCount(2, { timeout: 240_000 });
  for (const shard of [1, 2]) {
    const lane = page.locator(`[data-testid=shard-lane][data-shard="${shard}"]`);
    await expect(lane).toHaveAttribute("data-status", "succeeded", { timeout: 300_000 });
    await expect(lane.getByTestId("build-status")).toHaveText("Succeeded");
  }
  await expect(status).toHaveAttribute("data-status", "succeeded", { timeout: 240_000 });
  for (const stage of ["plan", "shards", "merge", "squash"]) {
    await expect(page.locator(`[data-testid=stage-row][data-stage="${stage}"]`)).toHaveAttribute("data-status", /^(done|cached)$/);
  }
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);

  // What the lanes say is what the build view says.
  const view = (await (await request.get(`/api/builds/${id}`)).json()) as Sharded;
  expect(view.status).toBe("succeeded");
  expect(view.shards).toHaveLength(2);
  for (const shard of view.shards!) {
    const attempt = shard.attempts.at(-1)!;
    const lane = page.locator(`[data-testid=shard-lane][data-shard="${shard.index}"]`);
    await expect(lane).toContainText(`${plural(shard.kernels, "kernel")} · engine ${attempt.engine?.name ?? "default"}`);
    await expect(lane.getByTestId("shard-tasks")).toContainText(`${attempt.plan.done} of ${attempt.plan.planned} task`);
    await expect(lane.getByRole("progressbar")).toHaveAttribute("aria-valuenow", String(attempt.plan.done));
    await expect(lane.getByRole("link", { name: `Log of shard ${shard.index}` })).toHaveAttribute("href", `/builds/${attempt.buildId}`);
  }
  // The page reads in the order things happen: plan, shards (with their lanes), merge, squash.
  const top = async (selector: string) => (await page.locator(selector).first().boundingBox())!.y;
  const order = [await top('[data-testid=stage-row][data-stage="plan"]'), await top('[data-testid=stage-row][data-stage="shards"]'), await top("[data-testid=shard-lanes]"), await top('[data-testid=stage-row][data-stage="merge"]'), await top('[data-testid=stage-row][data-stage="squash"]')];
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  await saveScreenshot(page, "build-sharded");
  await page.emulateMedia({ colorScheme: "dark" });
  await saveScreenshot(page, "build-sharded-dark");
  await page.emulateMedia({ colorScheme: "light" });

  // A lane leads to its shard's own page, which leads back.
  const first = view.shards![0]!.attempts.at(-1)!;
  await page.getByRole("link", { name: "Log of shard 1" }).click();
  await expect(page).toHaveURL(new RegExp(`/builds/${first.buildId}$`));
  const lineage = page.getByTestId("build-lineage");
  await expect(lineage).toContainText(`Shard 1 (attempt 1) of sharded build #${id}`);
  await expect(page.getByRole("button", { name: /^Re-run what failed/ })).toHaveCount(0);
  // A shard keeps no image of its own: its page says where its drivers went.
  await expect(page.getByRole("region", { name: "Result image" })).toContainText(`A shard: its image went into the result of build #${id}.`);
  await saveScreenshot(page, "build-shard");
  await lineage.getByRole("link", { name: `#${id}` }).click();
  await expect(page).toHaveURL(new RegExp(`/builds/${id}$`));

  // "Run again" carries the sharding over to the form.
  await expect(page.getByRole("link", { name: "Run again with the same options" })).toHaveAttribute("href", `/builds/new?from=${id}`);

  // Re-run what failed: the sample's 3.10 kernel fails a task, so there is something to re-run.
  const rerun = (await (await request.get(`/api/builds/${id}/rerun`)).json()) as Rerun;
  expect(rerun.tasks).toBeGreaterThan(0);
  const open = page.getByRole("button", { name: /^Re-run what failed/ });
  await expect(open).toHaveText(`Re-run what failed (${rerun.tasks})`);
  await open.click();
  const dialog = page.getByRole("dialog", { name: `Re-run what failed in build #${id}` });
  await expect(dialog.getByTestId("rerun-scope")).toHaveText(`${plural(rerun.tasks, "task")} on ${plural(rerun.kernels.filter((k) => k.bundle).length, "kernel")}`);
  await expect(dialog.getByLabel(/^Branch or tag/)).toHaveValue(view.branch);
  await expect(dialog.getByRole("radio", { name: "Sharded over 2 engines" })).toBeChecked();
  // Escape closes it and gives the focus back to the button; the keyboard opens it again, with the focus inside.
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(open).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeVisible();
  expect(await page.evaluate(() => document.activeElement?.closest("dialog") !== null)).toBe(true);
  await dialog.getByRole("radio", { name: "One engine" }).check();
  await saveScreenshot(page, "build-rerun-dialog");
  await dialog.getByRole("button", { name: "Start re-run" }).click();

  await expect(page).not.toHaveURL(new RegExp(`/builds/${id}$`));
  await expect(page).toHaveURL(/\/builds\/\d+$/);
  const rerunId = Number(new URL(page.url()).pathname.split("/").pop());
  await expect(page.getByTestId("build-lineage")).toContainText(`Re-run of build #${id} (${plural(rerun.tasks, "task")})`);
  await expect(page.getByTestId("build-lineage").getByRole("link", { name: `#${id}` })).toHaveAttribute("href", `/builds/${id}`);
  await expect(status).toHaveAttribute("data-status", "succeeded", { timeout: 300_000 });
  await saveScreenshot(page, "build-rerun");

  // The list names both for what they are; Partial is one of the status filters.
  await page.goto("/builds");
  await expect(page.locator(`tr[data-build-id="${id}"]`)).toContainText("sharded over 2");
  await expect(page.locator(`tr[data-build-id="${rerunId}"]`)).toContainText(`re-run of #${id}`);
  await expect(page.locator(`tr[data-build-id="${first.buildId}"]`)).toHaveCount(0);
  await expect(page.getByRole("navigation", { name: "Filter by status" }).getByRole("link", { name: "Partial" })).toHaveAttribute("href", "/builds?status=partial");

  // The form, opened from the sharded build, carries its sharding.
  await page.goto(`/builds/new?from=${id}`);
  await expect(page.getByRole("group", { name: "Engines" }).getByRole("radio", { name: "Sharded over 2 engines" })).toBeChecked();
});
