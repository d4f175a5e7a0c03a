import { expect, test, type APIRequestContext } from "@playwright/test";
import { saveScreenshot } from "./screenshot";

// The build launcher: the plan preview says what the real task master will
// plan (POST /api/builds/plan is held to it by an integration test), and the
// form starts builds as the API does.

async function sampleWorkspaceId(request: APIRequestContext) {
  const { workspaces } = (await (await request.get("/api/workspaces")).json()) as { workspaces: { id: number; name: string }[] };
  return workspaces.find((w) => w.name === "sample")!.id;
}

async function planned(request: APIRequestContext, body: Record<string, unknown>) {
  const response = await request.post("/api/builds/plan", { data: { workspaceId: await sampleWorkspaceId(request), ...body } });
  expect(response.status()).toBe(200);
  return ((await response.json()) as { toBuild: number }).toBuild;
}

test("the plan preview follows the options as they change", async ({ page, request }) => {
  await page.goto("/builds/new");
  const start = page.getByRole("button", { name: /^Start build/ });
  await expect(start).toHaveText(`Start build: ${await planned(request, { branch: "master" })} tasks`);

  await page.getByLabel(/LEGACY_PROBES/).check();
  const withLegacy = await planned(request, { branch: "master", legacyProbes: true });
  await expect(start).toHaveText(`Start build: ${withLegacy} tasks`);
  const table = page.getByRole("table", { name: "Per module version" });
  for (const version of ["2.0.0", "2.1.0", "2.2.0"]) await expect(table.getByRole("rowheader", { name: new RegExp(`^${version.replace(/\./g, "\\.")}`) })).toBeVisible();

  await page.getByRole("radio", { name: "The bundles I choose" }).check();
  await page.getByLabel("Search bundles").fill("cloud");
  await page.getByRole("button", { name: /^Select all shown/ }).click();
  const { bundles } = (await (await request.get("/api/bundles?search=cloud")).json()) as { bundles: { id: number }[] };
  await expect(start).toHaveText(`Start build: ${await planned(request, { branch: "master", legacyProbes: true, bundleIds: bundles.map((b) => b.id) })} tasks`);
  await saveScreenshot(page, "build-new-plan");

  await page.getByLabel(/^Branch or tag/).fill("no-such-branch");
  await expect(page.getByText("no branch or tag of that name in the workspace")).toBeVisible();
  await expect(page.getByRole("alert").filter({ hasText: "has no branch or tag no-such-branch" })).toBeVisible();
});

test("a bad option is refused with the reason and starts nothing", async ({ page, request }) => {
  const before = ((await (await request.get("/api/builds")).json()) as { total: number }).total;
  await page.goto("/builds/new");
  await page.getByLabel("Cache repository (CACHE_REPO)").fill("Not A Repo");
  await page.getByLabel("Cache tag (CACHE_TAG)").fill("nightly");
  await page.getByRole("button", { name: /^Start build/ }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The build was not started" })).toContainText("cacheRepo");
  expect(((await (await request.get("/api/builds")).json()) as { total: number }).total).toBe(before);
});

test("builds started from the form run, cancel, and show in the list with their states", async ({ page }) => {
  test.setTimeout(300_000);
  // The first build: defaults but --no-cache, so that every stage really runs and the second build
  // waits in the queue behind it (a BUILD_JOBS the engine happened to have cached let it end too soon).
  await page.goto("/builds/new");
  await page.getByLabel("No cache (--no-cache)").check();
  await page.getByRole("button", { name: /^Start build: \d+ tasks$/ }).click();
  await expect(page).toHaveURL(/\/builds\/\d+$/);
  const first = Number(new URL(page.url()).pathname.split("/").pop());

  // The second: the first one's options again, queued behind it (one build per engine), cancelled from its page.
  await page.goto(`/builds/new?from=${first}`);
  await expect(page.getByText(`Options of build #${first}`)).toBeVisible();
  await page.getByLabel("Parallel drivers (BUILD_JOBS)").fill("1");
  await page.getByRole("button", { name: /^Start build/ }).click();
  // Queued behind the first (one build per engine): cancelling it is not a race with its end.
  await expect(page).toHaveURL(/\/builds\/\d+$/);
  const second = Number(new URL(page.url()).pathname.split("/").pop());
  expect(second).toBeGreaterThan(first);
  await expect(page.getByTestId("build-status")).toHaveAttribute("data-status", "queued");
  await page.getByRole("button", { name: "Cancel build" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Yes, cancel the build" }).click();
  await expect(page.getByTestId("build-status")).toHaveAttribute("data-status", "cancelled", { timeout: 60_000 });

  await page.goto(`/builds/${first}`);
  await expect(page.getByTestId("build-status")).toHaveAttribute("data-status", "succeeded", { timeout: 240_000 });

  await page.goto("/builds");
  const row = (id: number) => page.locator(`tr[data-build-id="${id}"]`);
  await expect(row(first).locator("[data-status]")).toHaveAttribute("data-status", "succeeded");
  await expect(row(second).locator("[data-status]")).toHaveAttribute("data-status", "cancelled");
  await expect(row(second)).toContainText("BUILD_JOBS=1");
  await saveScreenshot(page, "builds-list");
  await page.goto("/builds?status=cancelled");
  await expect(row(second)).toBeVisible();
  await expect(row(first)).toHaveCount(0);
  await page.goto("/");
  await expect(page.getByRole("link", { name: `#${second}` })).toBeVisible();
  await saveScreenshot(page, "overview");
});
