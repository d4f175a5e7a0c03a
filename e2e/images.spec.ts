import { execFileSync } from "node:child_process";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { saveScreenshot } from "./screenshot";

// Merge and squash from the Images page: two shards are built over the HTTP
// API, merged and squashed with the page's forms, and the page then shows
// the squashed image with its layer count before and after.

const run = Date.now().toString(36);
const repo = "kobuild/collector-drivers";
const tags = { a: `e2e-a-${run}`, b: `e2e-b-${run}`, all: `e2e-all-${run}` };

type Build = { id: number; status: string; error: string | null; tag: string | null; image: { id: number } | null };

async function waitForBuild(request: APIRequestContext, id: number): Promise<Build> {
  const deadline = Date.now() + 240_000;
  for (;;) {
    const build = (await (await request.get(`/api/builds/${id}`)).json()) as Build;
    if (!["queued", "running"].includes(build.status)) return build;
    if (Date.now() > deadline) throw new Error(`build ${id} still ${build.status}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The id of the build the form redirected to; waits for it to end. */
async function operationFromRedirect(page: Page, request: APIRequestContext) {
  await page.waitForURL(/\/builds\/\d+$/);
  const id = Number(new URL(page.url()).pathname.split("/").pop());
  const build = await waitForBuild(request, id);
  expect(build.status, build.error ?? "").toBe("succeeded");
  return build;
}

test.afterAll(() => {
  // Only the tags this file made.
  for (const tag of Object.values(tags).concat(`${tags.all}-squashed`)) {
    try {
      execFileSync("/usr/bin/docker", ["rmi", `${repo}:${tag}`], { stdio: "ignore" });
    } catch {
      // Not made (an earlier step failed): nothing to remove.
    }
  }
});

test("a merge and a squash started from the Images page; the squashed image shows its layers dropping to two", async ({ page, request }) => {
  test.setTimeout(600_000);
  const { workspaces } = (await (await request.get("/api/workspaces")).json()) as { workspaces: { id: number; name: string }[] };
  const workspaceId = workspaces.find((w) => w.name === "sample")!.id;
  const { bundles } = (await (await request.get("/api/bundles")).json()) as { bundles: { id: number; version: number }[] };
  const real = bundles.filter((b) => b.version >= 4).map((b) => b.id);
  expect(real.length).toBeGreaterThanOrEqual(2);
  const shards = [real.slice(0, Math.ceil(real.length / 2)), real.slice(Math.ceil(real.length / 2))];
  const started = [];
  for (const [i, tag] of [tags.a, tags.b].entries()) {
    const response = await request.post("/api/builds", { data: { workspaceId, bundleIds: shards[i], tag: `${repo}:${tag}` } });
    expect(response.status()).toBe(201);
    started.push(((await response.json()) as Build).id);
  }
  for (const id of started) expect((await waitForBuild(request, id)).status).toBe("succeeded");

  await page.goto("/images");
  const merge = page.getByRole("form", { name: "Merge driver images" });
  await merge.getByLabel("Drivers repository").selectOption("kobuild");
  await merge.getByLabel("Base tag (BASE_TAG)").selectOption(tags.a);
  await merge.getByRole("checkbox", { name: new RegExp(tags.b) }).check();
  await expect(merge.getByText("merged 1st")).toBeVisible();
  await merge.getByLabel("Result tag").fill(tags.all);
  await saveScreenshot(page, "images-merge-form");
  await merge.getByRole("button", { name: `Merge 1 image onto ${tags.a}` }).click();
  const merged = await operationFromRedirect(page, request);
  expect(merged.tag).toBe(`${repo}:${tags.all}`);

  await page.goto("/images");
  const squash = page.getByRole("form", { name: "Squash a driver image" });
  await squash.getByLabel("Image to squash (DRIVERS_TAG)").selectOption(`${repo}:${tags.all}`);
  await squash.getByRole("button", { name: "Squash" }).click();
  const squashed = await operationFromRedirect(page, request);
  expect(squashed.tag).toBe(`${repo}:${tags.all}-squashed`);

  await page.goto(`/images?q=${tags.all}`);
  const table = page.getByRole("table", { name: "Driver images, newest first" });
  const mergedRow = table.locator(`tr[data-image-id="${merged.image!.id}"]`);
  const squashedRow = table.locator(`tr[data-image-id="${squashed.image!.id}"]`);
  await expect(mergedRow).toContainText(`${repo}:${tags.all}`);
  const mergedLayers = Number(await mergedRow.locator("[data-layers]").getAttribute("data-layers"));
  expect(mergedLayers).toBeGreaterThan(2);
  await expect(squashedRow.locator("[data-layers]")).toHaveAttribute("data-layers", "2");
  await expect(squashedRow.locator("[data-layers-before]")).toHaveText(String(mergedLayers));
  await expect(squashedRow.getByRole("link", { name: "Coverage" })).toHaveAttribute("href", `/coverage?image=${squashed.image!.id}`);
  // The same drivers, before and after.
  const driversText = async (row: typeof mergedRow) => (await row.locator("td").nth(4).innerText()).trim();
  expect(await driversText(squashedRow)).toBe(await driversText(mergedRow));
  await saveScreenshot(page, "images-after-squash");

  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/images");
  await saveScreenshot(page, "images-dark");
});
