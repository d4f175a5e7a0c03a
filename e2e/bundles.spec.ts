import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { readSampleRecord } from "../test/sample-record";
import { saveScreenshot } from "./screenshot";

// The sample's bundles, as `npm run sample` stored them for the main instance
// and recorded what it picked.
const record = readSampleRecord();
const sampleFiles = record.bundles.map((b) => record.fileOf(b)).sort();
const kernelOf = (file: string) => path.basename(file).slice("bundle-".length, -".tgz".length);
const sampleBundles = sampleFiles.map(kernelOf);
const sample = record.bundles.map(({ kernel, size, sha256 }) => ({ kernel, size, sha256 }));
// The bundle the tests delete and upload again: a 6.1 ABI whose number is its own.
const victim = record.byRole("older").kernel;
const abi = /^6\.1\.0-\d+/.exec(victim)![0];

// The tests below change the main instance's bundles in turn: delete one, upload them all again.
test.describe.configure({ mode: "serial" });

type ApiBundle = { id: number; kernel: string; size: number; sha256: string };

async function storedBundles(page: Page): Promise<ApiBundle[]> {
  const response = await page.request.get("/api/bundles");
  expect(response.status()).toBe(200);
  return ((await response.json()) as { bundles: ApiBundle[] }).bundles;
}

const table = (page: Page) => page.getByRole("table", { name: "Header bundles" });
const rowOf = (page: Page, kernel: string) => table(page).getByRole("row").filter({ has: page.getByRole("rowheader", { name: kernel, exact: true }) });
const shownKernels = (page: Page) => table(page).getByRole("rowheader").allTextContents();

test("the bundles page lists every sample bundle with the builder it goes to", async ({ page }) => {
  expect(sampleBundles.length).toBeGreaterThanOrEqual(5);
  await page.goto("/bundles");
  for (const kernel of sampleBundles) {
    const row = rowOf(page, kernel);
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(kernel.startsWith("3.") ? "RHEL 7" : "RHEL 8");
  }
  await saveScreenshot(page, "bundles-sample");
});

test("search, distro, version and sort live in the URL", async ({ page }) => {
  await page.goto("/bundles?search=cloud");
  await expect(page.getByRole("searchbox", { name: "Search" })).toHaveValue("cloud");
  expect(await shownKernels(page)).toEqual(sampleBundles.filter((k) => k.includes("cloud")));
  expect(sampleBundles.filter((k) => k.includes("cloud"))).toHaveLength(1);
  await expect(page.getByTestId("bundle-count")).toHaveText(new RegExp(`^1 of ${sampleBundles.length} bundles shown, `));

  // Typing searches too, and the URL follows.
  await page.getByRole("searchbox", { name: "Search" }).fill(abi);
  await expect(page).toHaveURL(`/bundles?search=${abi}`);
  await expect.poll(() => shownKernels(page)).toEqual(sampleBundles.filter((k) => k.includes(abi)).sort());

  await page.goto("/bundles?distro=redhat");
  const failing = record.byRole("failing").kernel;
  expect(await shownKernels(page)).toEqual([failing]);
  await expect(rowOf(page, failing)).toContainText("RHEL 7");

  // The version choices are the stored major versions; picking one filters.
  await page.goto("/bundles");
  const versions = page.getByRole("group", { name: "Version" });
  await expect(versions.getByRole("link")).toHaveText(["All", "3.x (1)", `6.x (${sampleBundles.length - 1})`]);
  await versions.getByRole("link", { name: /^6\.x/ }).click();
  await expect(page).toHaveURL(/\/bundles\?version=6$/);
  await expect(versions.getByRole("link", { name: /^6\.x/ })).toHaveAttribute("aria-current", "true");
  await expect.poll(async () => (await shownKernels(page)).sort()).toEqual(sampleBundles.filter((k) => k.startsWith("6.")));

  // Sorting by size: largest first, then the other way round.
  expect(new Set(sample.map((b) => b.size)).size).toBe(sample.length);
  const bySize = [...sample].sort((a, b) => b.size - a.size).map((b) => b.kernel);
  await page.goto("/bundles");
  const sizeHeader = table(page).getByRole("columnheader", { name: "Size" });
  await expect(sizeHeader).toHaveAttribute("aria-sort", "none");
  const before = await shownKernels(page);
  await sizeHeader.getByRole("link").click();
  await expect(page).toHaveURL(/sort=size&order=desc/);
  await expect(sizeHeader).toHaveAttribute("aria-sort", "descending");
  await expect.poll(() => shownKernels(page)).toEqual(bySize);
  expect(bySize).not.toEqual(before);
  await sizeHeader.getByRole("link").click();
  await expect(sizeHeader).toHaveAttribute("aria-sort", "ascending");
  await expect.poll(() => shownKernels(page)).toEqual([...bySize].reverse());

  // An odd value in a shared link is ignored, not an error page.
  await page.goto("/bundles?version=six&distro=debian");
  await expect.poll(async () => (await shownKernels(page)).sort()).toEqual(sample.filter((b) => !b.kernel.startsWith("3.")).map((b) => b.kernel));
});

test("deleting a bundle asks first; Escape keeps it, confirming removes it", async ({ page }) => {
  expect(sampleBundles).toContain(victim);
  await page.goto("/bundles");
  const deleteButton = rowOf(page, victim).getByRole("button", { name: `Delete ${victim}` });

  await deleteButton.click();
  const dialog = page.getByRole("dialog", { name: `Delete bundle ${victim}?` });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Delete bundle" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(deleteButton).toBeFocused();
  await expect(rowOf(page, victim)).toHaveCount(1);

  await deleteButton.click();
  await dialog.getByRole("button", { name: "Delete bundle" }).click();
  await expect(rowOf(page, victim)).toHaveCount(0);
  await expect(page.getByTestId("bundle-count")).toHaveText(new RegExp(`^${sampleBundles.length - 1} bundles, `));
  expect((await storedBundles(page)).map((b) => b.kernel)).not.toContain(victim);
});

test("uploading every sample bundle and two bad files: the deleted one comes back, the rest are duplicates, the bad ones are named with their reason", async ({ page }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-e2e-upload-"));
  const broken = path.join(dir, "bundle-broken.tgz");
  fs.writeFileSync(broken, "these are not kernel headers\n");
  const misnamed = path.join(dir, `linux-headers-${victim}.tar.gz`);
  fs.copyFileSync(record.fileOf(record.byRole("older")), misnamed);
  const stored = new Set((await storedBundles(page)).map((b) => b.kernel));
  const missing = new Set(sampleBundles.filter((k) => !stored.has(k)));
  expect([...missing]).toEqual([victim]);

  await page.goto("/bundles");
  await page.getByLabel("Choose bundle files").setInputFiles([...sampleFiles, broken, misnamed]);
  const uploads = page.getByRole("list", { name: "Uploads" });
  const item = (file: string) => uploads.getByRole("listitem", { name: path.basename(file), exact: true });
  await expect(uploads.getByRole("listitem")).toHaveCount(sampleFiles.length + 2);
  await expect(page.getByTestId("upload-summary")).toHaveText(`1 stored, ${sampleFiles.length - 1} already stored, 2 rejected`, { timeout: 30_000 });

  for (const file of sampleFiles) {
    const kernel = kernelOf(file);
    await expect(item(file)).toContainText(missing.has(kernel) ? `stored as ${kernel}` : `duplicate of ${kernel}`);
  }
  await expect(item(broken)).toContainText("rejected: bundle-broken.tgz: the file is not gzip-compressed (not_gzip)");
  await expect(item(misnamed)).toContainText(
    `rejected: linux-headers-${victim}.tar.gz: the file name "linux-headers-${victim}.tar.gz" is not bundle-<kernel>.tgz (bad_name)`,
  );
  await saveScreenshot(page, "bundles-upload-results");

  // Exactly the sample bundles, each whole: the same bytes as the files.
  await expect.poll(async () => (await shownKernels(page)).sort()).toEqual([...sampleBundles].sort());
  const api = await storedBundles(page);
  expect(api.map(({ kernel, size, sha256 }) => ({ kernel, size, sha256 })).sort((a, b) => a.kernel.localeCompare(b.kernel))).toEqual(
    [...sample].sort((a, b) => a.kernel.localeCompare(b.kernel)),
  );
  await expect(page.getByTestId("bundle-count")).toHaveText(new RegExp(`^${sampleBundles.length} bundles, `));

  await page.getByRole("button", { name: "Clear finished" }).click();
  await expect(uploads).toBeHidden();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a large upload shows its progress and can be cancelled, leaving nothing stored", async ({ page }) => {
  // Slow the line down so the upload is still running when we look.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * 1024 * 1024 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-e2e-upload-"));
  const big = path.join(dir, "bundle-6.1.0-77-slow-amd64.tgz");
  fs.writeFileSync(big, Buffer.concat([fs.readFileSync(sampleFiles[1]!), Buffer.alloc(16 * 1024 * 1024, 7)]));

  await page.goto("/bundles");
  await page.getByLabel("Choose bundle files").setInputFiles(big);
  const item = page.getByRole("list", { name: "Uploads" }).getByRole("listitem", { name: path.basename(big) });
  const bar = item.getByRole("progressbar", { name: `Upload of ${path.basename(big)}` });
  await expect(bar).toBeVisible();
  await expect.poll(async () => Number(await bar.getAttribute("aria-valuenow")), { timeout: 20_000 }).toBeGreaterThan(0);
  await expect(item).toContainText(/ of 19\.\d MB · \d+\.\d MB\/s/);
  await saveScreenshot(page, "bundles-upload-progress");
  await item.getByRole("button", { name: `Cancel ${path.basename(big)}` }).click();
  await expect(item).toContainText("cancelled");
  await expect(bar).toBeHidden();
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  expect((await storedBundles(page)).map((b) => b.kernel)).not.toContain("6.1.0-77-slow-amd64");
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a bundle dropped on the zone is uploaded like a chosen one", async ({ page }) => {
  const file = sampleFiles.find((f) => kernelOf(f).includes("cloud"))!;
  await page.goto("/bundles");
  const dataTransfer = await page.evaluateHandle(
    ({ name, base64 }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type: "application/gzip" }));
      return transfer;
    },
    { name: path.basename(file), base64: fs.readFileSync(file).toString("base64") },
  );
  const zone = page.getByTestId("bundle-drop-zone");
  await zone.dispatchEvent("dragenter", { dataTransfer });
  await expect(zone).toContainText("Release to upload");
  await zone.dispatchEvent("drop", { dataTransfer });
  await expect(zone).toContainText("files here");
  const item = page.getByRole("list", { name: "Uploads" }).getByRole("listitem", { name: path.basename(file), exact: true });
  await expect(item).toContainText(`duplicate of ${kernelOf(file)}`);
});

test("the bundles page, light and dark", async ({ page }) => {
  await page.goto("/bundles?sort=size&order=desc");
  await expect(table(page).getByRole("rowheader")).toHaveCount(sampleBundles.length);
  await saveScreenshot(page, "bundles-list");

  // Dark, with every kind of upload result and the delete dialog on screen.
  await page.emulateMedia({ colorScheme: "dark" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-e2e-upload-"));
  const broken = path.join(dir, "bundle-broken.tgz");
  fs.writeFileSync(broken, "these are not kernel headers\n");
  await page.getByLabel("Choose bundle files").setInputFiles([sampleFiles[0]!, broken]);
  await expect(page.getByTestId("upload-summary")).toHaveText("1 already stored, 1 rejected");
  await saveScreenshot(page, "bundles-dark");
  await rowOf(page, sampleBundles[0]!).getByRole("button", { name: `Delete ${sampleBundles[0]}` }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await saveScreenshot(page, "bundles-dark-delete");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toBeHidden();
  expect((await storedBundles(page)).map((b) => b.kernel).sort()).toEqual([...sampleBundles].sort());
  fs.rmSync(dir, { recursive: true, force: true });
});
