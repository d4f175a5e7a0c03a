import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { readSampleRecord } from "../test/sample-record";
import { saveScreenshot } from "./screenshot";

// The New build form's choices: exactly the bundles a user checks (kept by
// "run again"), the network and cache options as docker build has them, and
// the cache picked from the driver images kobuild knows.

type Bundle = { id: number; kernel: string };
type BuildJson = { id: number; status: string; options: { bundleIds?: number[] | null; network?: string; noCache?: boolean; pull?: boolean; cacheRepo?: string | null; cacheTag?: string | null } };

const run = Date.now().toString(36);
/** Images this file makes: a driver image to pick, and an image of another name that holds /kernel-modules. */
const images = { pick: `kobuild-e2e-${run}/collector-drivers:pick-me`, odd: `kobuild-e2e-odd-${run}:legacy` };

const docker = (...args: string[]) => execFileSync("/usr/bin/docker", args, { encoding: "utf8", env: { ...process.env, DOCKER_BUILDKIT: "0" } });

/** A new image holding the empty cache's /kernel-modules, with a label of its own so its id is this file's alone. */
function makeImage(ref: string) {
  execFileSync("/usr/bin/docker", ["build", "-q", "-t", ref, "-"], { input: `FROM kobuild/collector-drivers:empty\nLABEL kobuild.e2e="${ref}"\n`, env: { ...process.env, DOCKER_BUILDKIT: "0" } });
}

test.afterAll(() => {
  for (const ref of Object.values(images)) {
    try {
      docker("rmi", ref);
    } catch {
      // Not made: an earlier step failed.
    }
  }
});

async function storedBundles(request: APIRequestContext): Promise<Bundle[]> {
  return ((await (await request.get("/api/bundles")).json()) as { bundles: Bundle[] }).bundles;
}

async function buildOf(request: APIRequestContext, id: number): Promise<BuildJson> {
  return (await (await request.get(`/api/builds/${id}`)).json()) as BuildJson;
}

/** Starts the form's build and gives its id; cancels it at once (only its options matter here). */
async function startAndCancel(page: Page, request: APIRequestContext): Promise<BuildJson> {
  await page.getByRole("button", { name: /^Start build/ }).click();
  await expect(page).toHaveURL(/\/builds\/\d+$/);
  const id = Number(new URL(page.url()).pathname.split("/").pop());
  const build = await buildOf(request, id);
  await request.post(`/api/builds/${id}/cancel`);
  return build;
}

test("exactly the checked bundles go into the build, with the network and cache options; run again keeps them", async ({ page, request }) => {
  test.setTimeout(120_000);
  const all = await storedBundles(request);
  // The list shows the bundles in kernel order, as the Bundles page does.
  const byKernel = [...all].sort((a, b) => (a.kernel < b.kernel ? -1 : 1));
  const cloud = all.filter((b) => b.kernel.includes("cloud"));
  expect(cloud.length).toBeGreaterThan(0);
  expect(all.length).toBeGreaterThan(cloud.length + 1);

  await page.goto("/builds/new");
  await page.getByRole("radio", { name: "The bundles I choose" }).check();
  const chosen = page.getByTestId("bundles-chosen");
  await expect(chosen).toHaveText(`0 of ${all.length} bundles chosen`);
  await expect(page.getByRole("button", { name: /^Start build/ })).toBeDisabled();

  // The filter, then "select all shown": only the cloud bundles.
  await page.getByLabel("Search bundles").fill("cloud");
  await page.getByRole("button", { name: `Select all shown (${cloud.length})` }).click();
  await expect(chosen).toHaveText(`${cloud.length} of ${all.length} bundles chosen`);
  await page.getByLabel("Search bundles").fill("");
  await expect(chosen).toHaveText(`${cloud.length} of ${all.length} bundles chosen`);

  // The keyboard: the list is one tab stop, arrows move, Space checks.
  const list = page.getByRole("group", { name: "Stored bundles" });
  const top = list.getByRole("checkbox", { name: byKernel[0]!.kernel, exact: true });
  await top.focus();
  await expect(top).toBeFocused();
  await page.keyboard.press("ArrowDown");
  const second = byKernel[1]!;
  await expect(list.getByRole("checkbox", { name: second.kernel, exact: true })).toBeFocused();
  await page.keyboard.press("Space");
  await expect(list.getByRole("checkbox", { name: second.kernel, exact: true })).toBeChecked();
  const expected = [...new Set([...cloud.map((b) => b.id), second.id])].sort((a, b) => a - b);
  await expect(chosen).toHaveText(`${expected.length} of ${all.length} bundles chosen`);

  // The network as docker build names it, and --no-cache; the plan preview follows the same body.
  await expect(page.getByRole("radio", { name: /^The workspace's setting: none/ })).toBeChecked();
  await page.getByRole("radio", { name: "host", exact: true }).check();
  await page.getByLabel("No cache (--no-cache)").check();
  await expect(page.getByRole("button", { name: /^Start build: \d+ tasks$/ })).toBeVisible();
  await saveScreenshot(page, "build-new-chosen-bundles");

  const first = await startAndCancel(page, request);
  expect(first.options.bundleIds).toEqual(expected);
  expect(first.options).toMatchObject({ network: "host", noCache: true, pull: false });
  // The build's page says what it was given.
  const option = (name: string) => page.getByTestId("build-options").locator("div", { has: page.locator("dt", { hasText: new RegExp(`^${name}$`) }) }).locator("dd");
  await expect(option("Bundles")).toHaveText(`${expected.length} chosen`);
  await expect(option("--network")).toHaveText("host");
  await expect(option("--no-cache")).toHaveText("true");
  await expect(option("--pull")).toHaveText("false");

  // Run again: the same bundles, checked, and the same options.
  await page.goto(`/builds/new?from=${first.id}`);
  await expect(page.getByText(`Options of build #${first.id}`)).toBeVisible();
  await expect(page.getByRole("radio", { name: "The bundles I choose" })).toBeChecked();
  await expect(chosen).toHaveText(`${expected.length} of ${all.length} bundles chosen`);
  for (const b of all) {
    const box = page.getByRole("group", { name: "Stored bundles" }).getByRole("checkbox", { name: b.kernel, exact: true });
    if (expected.includes(b.id)) await expect(box).toBeChecked();
    else await expect(box).not.toBeChecked();
  }
  await expect(page.getByRole("radio", { name: "host", exact: true })).toBeChecked();
  await expect(page.getByLabel("No cache (--no-cache)")).toBeChecked();
  const again = await startAndCancel(page, request);
  expect(again.id).toBeGreaterThan(first.id);
  expect(again.options.bundleIds).toEqual(expected);
  expect(again.options).toMatchObject({ network: "host", noCache: true });
});

test("the cache picker lists known driver images and fills CACHE_REPO and CACHE_TAG; other names are shown disabled", async ({ page, request }) => {
  test.setTimeout(120_000);
  makeImage(images.pick);
  makeImage(images.odd);
  // kobuild reads the odd one when asked: then it knows it, under a name no cache can have.
  const read = await request.post("/api/images/inspect", { data: { ref: images.odd } });
  expect(read.status(), await read.text()).toBe(201);

  await page.goto("/builds/new");
  const picker = page.getByRole("combobox", { name: "Pick a known driver image" });
  await picker.fill(`kobuild-e2e-${run}`);
  const options = page.getByRole("listbox", { name: "Known driver images" }).getByRole("option");
  await expect(options.filter({ hasText: images.pick })).toHaveCount(1, { timeout: 30_000 });
  await saveScreenshot(page, "build-new-cache-picker");
  await picker.press("ArrowDown");
  await picker.press("Enter");
  await expect(page.getByLabel("Cache repository (CACHE_REPO)")).toHaveValue(`kobuild-e2e-${run}`);
  await expect(page.getByLabel("Cache tag (CACHE_TAG)")).toHaveValue("pick-me");
  await expect(page.getByRole("listbox", { name: "Known driver images" })).toBeHidden();

  // An image kobuild read under another name: listed, disabled, with the reason; Enter does not pick it.
  await picker.fill(`kobuild-e2e-odd-${run}`);
  const odd = options.filter({ hasText: images.odd });
  await expect(odd).toHaveAttribute("aria-disabled", "true");
  await expect(odd).toContainText("Cannot be the cache: not named <repo>/collector-drivers:<tag>");
  await saveScreenshot(page, "build-new-cache-picker-disabled");
  await picker.press("Enter");
  await expect(page.getByLabel("Cache repository (CACHE_REPO)")).toHaveValue(`kobuild-e2e-${run}`);

  // The picked cache is what the preview and the build are given.
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("plan-totals")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText(`cache ${images.pick}`)).toBeVisible({ timeout: 60_000 });
  const build = await startAndCancel(page, request);
  expect(build.options).toMatchObject({ cacheRepo: `kobuild-e2e-${run}`, cacheTag: "pick-me" });
});

test("run again of a build of every bundle leaves a bundle stored after it unchecked", async ({ page, request }) => {
  test.setTimeout(180_000);
  // The sample's older 6.1 kernel is deleted before the build and stored again after it.
  const record = readSampleRecord();
  const later = record.byRole("older");
  const before = await storedBundles(request);
  const stored = before.find((b) => b.kernel === later.kernel)!;
  expect((await request.delete(`/api/bundles/${stored.id}`)).status()).toBe(200);
  let buildId = 0;
  try {
    const { workspaces } = (await (await request.get("/api/workspaces")).json()) as { workspaces: { id: number; name: string }[] };
    const started = await request.post("/api/builds", { data: { workspaceId: workspaces.find((w) => w.name === "sample")!.id } });
    expect(started.status(), await started.text()).toBe(201);
    buildId = ((await started.json()) as { id: number }).id;
    // The build records the bundles it sends when it starts sending them; its log says how many.
    await expect.poll(async () => (await (await request.get(`/api/builds/${buildId}/logs`)).text()).includes(`with ${before.length - 1} bundle(s)`), { timeout: 120_000 }).toBe(true);
    await request.post(`/api/builds/${buildId}/cancel`);
  } finally {
    const bytes = fs.readFileSync(record.fileOf(later));
    const back = await request.post("/api/bundles", { multipart: { bundle: { name: `bundle-${later.kernel}.tgz`, mimeType: "application/gzip", buffer: bytes } } });
    expect(back.status(), await back.text()).toBe(201);
  }

  await page.goto(`/builds/new?from=${buildId}`);
  await expect(page.getByText("It sent every bundle stored then; the 1 stored since is left unchecked.")).toBeVisible();
  await expect(page.getByRole("radio", { name: "The bundles I choose" })).toBeChecked();
  await expect(page.getByTestId("bundles-chosen")).toHaveText(`${before.length - 1} of ${before.length} bundles chosen`);
  const list = page.getByRole("group", { name: "Stored bundles" });
  for (const b of before) {
    const box = list.getByRole("checkbox", { name: b.kernel, exact: true });
    if (b.kernel === later.kernel) await expect(box).not.toBeChecked();
    else await expect(box).toBeChecked();
  }
  await saveScreenshot(page, "build-new-run-again");
});
