import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { runDir } from "../playwright.config";
import { saveScreenshot } from "./screenshot";

// The Images page lists kobuild's driver images only: on an engine shared
// with other installations and tools, its helper images and other
// installations' results stay out of the list unless "show all" is asked.

const run = Date.now().toString(36);
const ours = `kobuild-e2e-${run}/collector-drivers:ours`;

/** A tag another installation would give: `build-<id>-<its id>`, with an id that is neither this one's nor on the engine yet. */
function foreignTag(): string {
  // Made by the main instance the first time it needs it (the listing asked for below, at the latest).
  const instance = fs.readFileSync(path.join(runDir, "main", "instance-id"), "utf8").trim();
  for (;;) {
    const id = randomBytes(3).toString("hex");
    const tag = `kobuild/collector-drivers:build-1-${id}`;
    if (id === instance) continue;
    try {
      execFileSync("/usr/bin/docker", ["image", "inspect", tag], { stdio: "ignore" });
    } catch {
      return tag;
    }
  }
}
let foreign = "";

test.afterAll(() => {
  for (const ref of [ours, foreign].filter(Boolean)) {
    try {
      execFileSync("/usr/bin/docker", ["rmi", ref], { stdio: "ignore" });
    } catch {
      // Not made: an earlier step failed.
    }
  }
});

test("the Images page leaves out kobuild's helper images and other installations' tags unless asked to show all", async ({ page, request }) => {
  test.setTimeout(180_000);
  // The listing reads the installation's id, and makes it on a fresh data directory.
  expect((await request.get("/api/images?source=all")).status()).toBe(200);
  foreign = foreignTag();
  // One image of this file's own, holding the empty cache's /kernel-modules, under a driver image's name and another installation's tag.
  execFileSync("/usr/bin/docker", ["build", "-q", "-t", ours, "-t", foreign, "-"], { input: `FROM kobuild/collector-drivers:empty\nLABEL kobuild.e2e="${run}"\n`, env: { ...process.env, DOCKER_BUILDKIT: "0" } });
  const rows = page.getByRole("table", { name: /Driver images/ }).getByRole("row");
  const rowWith = (ref: string) => rows.filter({ has: page.locator("li", { hasText: new RegExp(`^${ref.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`) }) });

  await page.goto("/images");
  await expect(rowWith(ours)).toHaveCount(1, { timeout: 60_000 });
  // The same image, without the other installation's name beside ours.
  await expect(rowWith(ours)).not.toContainText(foreign);
  await expect(rowWith(foreign)).toHaveCount(0);
  await expect(rowWith("kobuild/collector-drivers:empty")).toHaveCount(0);
  for (const helper of ["kobuild/toolchain:bookworm-1", "kobuild/drivers-base:1"]) await expect(rowWith(helper)).toHaveCount(0);
  await expect(page.getByTestId("images-scope")).toContainText("Not listed: kobuild's helper images");
  await saveScreenshot(page, "images-kobuild-only");

  // The API says the same; show=all keeps the others.
  const listing = (await (await request.get("/api/images?source=all")).json()) as { images: { refs: string[] }[] };
  const names = listing.images.flatMap((i) => i.refs);
  expect(names).toContain(ours);
  expect(names).not.toContain(foreign);
  expect(names).not.toContain("kobuild/collector-drivers:empty");
  const everything = (await (await request.get("/api/images?source=all&show=all")).json()) as { images: { refs: string[] }[] };
  expect(everything.images.flatMap((i) => i.refs)).toEqual(expect.arrayContaining([ours, foreign, "kobuild/collector-drivers:empty"]));

  await page.getByTestId("images-scope").getByRole("link", { name: "Show all" }).click();
  await expect(page).toHaveURL(/\/images\?show=all$/);
  await expect(rowWith(ours)).toContainText(foreign, { timeout: 60_000 });
  await expect(rowWith("kobuild/collector-drivers:empty")).toHaveCount(1);
  await page.getByTestId("images-scope").getByRole("link", { name: "Show only kobuild's" }).click();
  await expect(page).toHaveURL(/\/images$/);
  await expect(rowWith("kobuild/collector-drivers:empty")).toHaveCount(0);
});
