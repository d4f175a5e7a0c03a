import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { importDriverImage } from "../test/driver-image-import";
import { saveScreenshot } from "./screenshot";

// Find a driver: a fleet's `uname -r` lines pasted into the page, answered
// from a driver image made here of the stored bundles' kernels (the first
// built, the second failed, the others never built) and read over the API.
// The form is filled and sent from the keyboard (the image is picked from its list).

const ref = `kobuild-e2e/collector-drivers:lookup-${Date.now().toString(36)}`;
const MV = "2.2.0";

test.afterAll(() => {
  try {
    execFileSync("/usr/bin/docker", ["rmi", ref], { stdio: "ignore" });
  } catch {
    // Not made: nothing to remove.
  }
});

test("a fleet's kernels get their drivers, failures and nearest bundles, as text, with links and a CSV", async ({ page, request }) => {
  test.setTimeout(180_000);
  const { bundles } = (await (await request.get("/api/bundles?sort=kernel")).json()) as { bundles: { kernel: string; uname: string }[] };
  expect(bundles.length).toBeGreaterThanOrEqual(3);
  const [built, failed, idle] = bundles;
  await importDriverImage(ref, [
    { name: `kernel-modules/${MV}/collector-${built!.kernel}.ko.gz`, content: "module" },
    { name: `kernel-modules/${MV}/collector-ebpf-${built!.kernel}.o.gz`, content: "probe" },
    { name: `FAILURES/${failed!.kernel}/${MV}/mod.log`, content: "main.c:3:10: fatal error: linux/version.h: No such file or directory\n" },
  ]);
  const inspected = await request.post("/api/images/inspect", { data: { ref } });
  expect(inspected.status()).toBe(201);
  const image = (await inspected.json()) as { id: number };
  // A release of no stored bundle: the first bundle's uname with its numbers pushed far out.
  const unknown = built!.uname.replace(/\d+/g, (d) => String(Number(d) + 900));

  await page.goto("/drivers");
  await page.getByRole("navigation").getByRole("link", { name: "Find a driver" }).waitFor();
  await page.getByLabel("Kernels, one uname -r per line").focus();
  await page.keyboard.insertText([built!.uname, built!.uname, failed!.uname, idle!.uname, unknown, ""].join("\n"));
  await page.keyboard.press("Tab");
  await page.getByLabel("Driver image").selectOption(String(image.id));
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Find drivers" })).toBeFocused();
  await page.keyboard.press("Enter");

  await expect(page.getByTestId("lookup-summary")).toHaveText("2 nodes covered, 3 kernels without a driver (3 nodes), of which 1 has no bundle.");
  const row = (release: string) => page.getByTestId("lookup-row").filter({ has: page.getByRole("rowheader", { name: release, exact: true }) });
  await expect(row(built!.uname)).toContainText("driver available");
  await expect(row(built!.uname)).toContainText(`${MV} kernel module: built`);
  await expect(row(built!.uname).getByRole("link", { name: "download" }).first()).toHaveAttribute("href", new RegExp(`^/api/images/${image.id}/driver/download\\?kernel=`));
  await expect(row(failed!.uname)).toContainText("no driver");
  await expect(row(failed!.uname)).toContainText(`${MV} kernel module: failed`);
  await expect(row(failed!.uname).getByRole("link", { name: "failure log" })).toHaveAttribute("href", /^\/api\/failures\/\d+$/);
  await expect(row(idle!.uname)).toContainText("not in this image");
  await expect(row(unknown)).toContainText("no bundle");
  await expect(row(unknown).getByRole("link")).toHaveCount(3);
  await saveScreenshot(page, "drivers");

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export CSV" }).click();
  const csv = fs.readFileSync((await (await download).path())!, "utf8");
  expect(csv.split("\r\n")[0]).toBe("uname,nodes,verdict,kernel,bundle,module_version,flavour,state,detail,url");
  expect(csv).toContain(`${unknown},1,no-bundle,`);
});
