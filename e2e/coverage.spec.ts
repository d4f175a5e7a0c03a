import { expect, test } from "@playwright/test";
import { readSampleRecord } from "../test/sample-record";
import { sampleBuild } from "./sample-build";
import { saveScreenshot } from "./screenshot";

// Coverage, failures and compare after real sample builds: master builds
// both flavours for the real kernels and fails on the 3.10 kernel (its bundle
// lacks headers); bpf-ringbuf's probe fails on the 6.1 kernels.

type Wire = { kernels: { name: string }[]; moduleVersions: string[]; cells: string; states: Record<string, string> };

const cellsOf = (wire: Wire) => {
  const out = new Map<string, string>();
  wire.kernels.forEach((k, ki) =>
    wire.moduleVersions.forEach((_, m) => (["mod", "bpf"] as const).forEach((f, fi) => out.set(`${k.name} ${f}`, wire.states[wire.cells[(ki * wire.moduleVersions.length + m) * 2 + fi]!]!))),
  );
  return out;
};

let master = 0;
let ringbuf = 0;

test.beforeAll(async ({ request }) => {
  test.setTimeout(600_000);
  master = await sampleBuild(request, "master");
  ringbuf = await sampleBuild(request, "bpf-ringbuf");
});

test("the grid shows built, failed and unavailable cells, and a failed cell's panel shows its log", async ({ page, request }) => {
  const { bundles } = (await (await request.get("/api/bundles")).json()) as { bundles: { kernel: string; version: number }[] };
  await page.goto(`/coverage?build=${master}`);
  const grid = page.getByRole("grid", { name: /Coverage/ });
  for (const b of bundles.filter((x) => x.version >= 4)) {
    await expect(grid.getByRole("button", { name: `${b.kernel} 2.2.0 mod: built` })).toBeVisible();
    await expect(grid.getByRole("button", { name: `${b.kernel} 2.2.0 bpf: built` })).toBeVisible();
  }
  const old = bundles.find((x) => x.version === 3)!.kernel;
  await expect(grid.getByRole("button", { name: `${old} 2.2.0 bpf: unavailable` })).toBeVisible();
  // Coverage counts the cells that could have a driver: the unavailable eBPF cell is left out, the failed module counts.
  const real = bundles.filter((x) => x.version >= 4).length;
  expect(bundles.length).toBe(real + 1);
  const columns = page.getByTestId("coverage-column");
  await expect(columns.filter({ hasText: "2.2.0 module" })).toContainText(`${Math.floor((100 * real) / (real + 1))}% (${real} of ${real + 1} with a driver, 1 failed)`);
  await expect(columns.filter({ hasText: "2.2.0 eBPF" })).toContainText(`100% (${real} of ${real} with a driver; 1 left out)`);
  await expect(page.getByText("blocklisted, unavailable and not planned cells are left out of the total")).toBeVisible();
  // The picker tells builds of one branch apart: when each ran and what it was given.
  await expect(page.getByLabel("Show").locator("option", { hasText: `#${master} master · ` })).toHaveText(/^#\d+ master · \d{4}-\d\d-\d\d \d\d:\d\d UTC · every bundle \(succeeded\)$/);
  await saveScreenshot(page, "coverage-grid");

  await grid.getByRole("button", { name: `${old} 2.2.0 mod: failed` }).click();
  await expect(page).toHaveURL(new RegExp(`cell=${encodeURIComponent(`${old}/2.2.0/mod`).replace(/[.+]/g, "\\$&")}`));
  await expect(page.getByTestId("cell-state")).toHaveText("failed");
  await expect(page.getByTestId("failure-log")).toContainText("No such file or directory");
  await saveScreenshot(page, "coverage-failed-cell");

  // The URL alone brings the view back: filters and the chosen cell.
  await page.goto(`/coverage?build=${master}&state=failed&flavour=mod`);
  await expect(page.getByTestId("grid-summary")).toContainText("1 of");
  await expect(grid.getByRole("button", { name: /bpf:/ })).toHaveCount(0);
  await page.getByLabel(/uname -r/).fill("no-such-kernel");
  await expect(page.getByText("No kernel matches these filters.")).toBeVisible();
});

test("a built cell offers its driver, whose bytes match the sha256 shown, says where it came from and is reproduced bit for bit", async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(`/coverage?build=${master}`);
  await page.getByRole("grid", { name: /Coverage/ }).getByRole("button", { name: /2\.2\.0 mod: built/ }).first().click();
  const sha = (await page.getByTestId("driver-sha256").textContent())!.trim();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /^Download collector-.*\.ko\.gz$/ }).click()]);
  const body = await (await import("node:fs/promises")).readFile((await download.path())!);
  expect((await import("node:crypto")).createHash("sha256").update(body).digest("hex")).toBe(sha);
  // Where it came from: this build compiled it, at the commit the build page names, from the kernel's bundle, on the toolchain.
  await expect(page.getByTestId("driver-origin-build")).toHaveText(`build #${master}`);
  const commit = ((await (await page.request.get(`/api/builds/${master}`)).json()) as { commit: string }).commit;
  await expect(page.getByTestId("driver-origin-commit")).toContainText(`${commit.slice(0, 12)} on master`);
  await expect(page.getByTestId("driver-origin-bundle")).toContainText(/^bundle-.+\.tgz sha256 [0-9a-f]{12}$/);
  await expect(page.getByTestId("driver-origin-builder")).toContainText("kobuild/toolchain:bookworm-1");
  await saveScreenshot(page, "coverage-built-cell");

  // Made again from the same commit, bundle and compiler: the same bytes.
  await expect(page.getByTestId("driver-reproduction")).toHaveText("not yet");
  await page.getByRole("button", { name: "Reproduce this driver" }).click();
  await expect(page.getByTestId("driver-reproduction")).toContainText("✓ identical, bit for bit", { timeout: 240_000 });
  await saveScreenshot(page, "coverage-reproduced-cell");
});

test("the build page gives the build's provenance as a file", async ({ page }) => {
  await page.goto(`/builds/${master}`);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download provenance" }).click()]);
  expect(download.suggestedFilename()).toBe(`build-${master}.provenance.json`);
  const statement = JSON.parse(await (await import("node:fs/promises")).readFile((await download.path())!, "utf8")) as {
    _type: string;
    subject: { name: string; digest: { sha256: string } }[];
    predicate: { buildDefinition: { resolvedDependencies: { digest: Record<string, string> }[] } };
  };
  expect(statement._type).toBe("https://in-toto.io/Statement/v1");
  expect(statement.subject.length).toBeGreaterThan(0);
  for (const s of statement.subject) expect(s.name).toMatch(/^\/?kernel-modules\/.+\.(ko|o)\.gz$/);
  const commit = ((await (await page.request.get(`/api/builds/${master}`)).json()) as { commit: string }).commit;
  expect(statement.predicate.buildDefinition.resolvedDependencies.map((d) => d.digest.gitCommit)).toContain(commit);
});

test("the failures page groups the failures by their error", async ({ page, request }) => {
  const api = (await (await request.get(`/api/builds/${ringbuf}/failures`)).json()) as { total: number; groups: { signature: string; count: number }[] };
  await page.goto(`/failures?build=${ringbuf}`);
  // The count, then (for a build of a workspace) its groups' states there.
  await expect(page.getByTestId("failures-summary")).toHaveText(new RegExp(`^${api.total} failures? in ${api.groups.length} groups?( · .*)?$`));
  const probe = page.getByRole("region", { name: /BPF_MAP_TYPE_CGRP_STORAGE/ });
  // Every 6.1 kernel of the sample lacks that map type.
  const older = readSampleRecord().byRole("older").kernel;
  await expect(probe).toContainText(older);
  await expect(page.getByRole("region", { name: /^Failure log of/ }).first()).toBeVisible();
  await saveScreenshot(page, "failures-grouped");
  // A failure leads to its cell in the grid.
  await page.getByText("Every failure of this group").first().click();
  await page.getByRole("link", { name: `${older} 2.3.0 bpf`, exact: true }).click();
  await expect(page.getByTestId("cell-state")).toHaveText("failed");
});

test("compare lists exactly the cells that changed between the two builds", async ({ page, request }) => {
  const from = cellsOf((await (await request.get(`/api/builds/${master}/coverage`)).json()) as Wire);
  const to = cellsOf((await (await request.get(`/api/builds/${ringbuf}/coverage`)).json()) as Wire);
  const changed = [...to].filter(([key, state]) => from.get(key) !== state).map(([key]) => key);
  expect(changed.length).toBeGreaterThan(0);
  await page.goto(`/coverage/compare?from=build:${master}&to=build:${ringbuf}`);
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(changed.length);
  for (const key of changed) {
    const [kernel, flavour] = key.split(" ");
    await expect(rows.filter({ has: page.getByRole("rowheader", { name: kernel, exact: true }) }).filter({ hasText: flavour! })).toHaveCount(1);
  }
  await saveScreenshot(page, "coverage-compare");
});
