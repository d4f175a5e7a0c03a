import { expect, test } from "@playwright/test";
import { sampleBuild } from "./sample-build";
import { saveScreenshot } from "./screenshot";

// Trends and failure groups after real sample builds: master twice (one
// point each; 3.10's kernel module fails for want of headers), then
// bpf-ringbuf, whose probe fails on the 6.1 kernels: a new failure group
// while the headers one goes on. The builds are of a workspace of their own,
// cloned by kobuild from the sample's checkout: the other specs' builds of the
// sample are history these counts must not see.

const NAME = "trends-sample";

type Trends = { workspace: { id: number }; points: { build: { id: number }; columns: { moduleVersion: string; flavour: string; coverage: number | null }[] }[] };
type Groups = { groups: { id: number; state: string; signature: string | null; firstSeen: { buildId: number } }[] };

const ids = { master1: 0, master2: 0, ringbuf: 0 };
// The tests share the builds made once below: after a failure the rest are skipped, not set up again.
test.describe.configure({ mode: "serial" });
let workspaceId = 0;

test.beforeAll(async ({ request }) => {
  test.setTimeout(720_000);
  const { workspaces } = (await (await request.get("/api/workspaces")).json()) as { workspaces: { id: number; name: string; path: string; dockerfile: string; network: string }[] };
  const sample = workspaces.find((w) => w.name === "sample")!;
  const added = await request.post("/api/workspaces", { data: { name: NAME, url: `file://${sample.path}`, dockerfile: sample.dockerfile, network: sample.network } });
  expect(added.status(), await added.text()).toBe(201);
  workspaceId = ((await added.json()) as { id: number }).id;
  ids.master1 = await sampleBuild(request, "master", NAME);
  ids.master2 = await sampleBuild(request, "master", NAME);
  ids.ringbuf = await sampleBuild(request, "bpf-ringbuf", NAME);
});

test("the Trends page charts coverage per module version, one point per build, and a point opens its build", async ({ page, request }) => {
  const trends = (await (await request.get(`/api/trends?workspaceId=${workspaceId}&branch=master`)).json()) as Trends;
  expect(trends.points.map((p) => p.build.id)).toEqual([ids.master1, ids.master2]);
  const mod = trends.points[1]!.columns.find((c) => c.flavour === "mod")!;

  await page.goto("/");
  await page.getByRole("link", { name: "Trends", exact: true }).click();
  await page.getByRole("link", { name: NAME, exact: true }).click();
  // The first workspace's branches show until the chosen one's page arrives: its own "master" is the one wanted.
  await expect(page.getByRole("link", { name: NAME, exact: true })).toHaveAttribute("aria-current", "page");
  await page.getByRole("link", { name: "master", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Trends of ${NAME} at master` })).toBeVisible();
  // The summary table says what the chart shows, in words and figures.
  const row = page.getByRole("table", { name: `Coverage per module version of ${NAME}` }).getByRole("row").filter({ hasText: "kernel module" });
  await expect(row).toContainText(mod.moduleVersion);
  await expect(row).toContainText(`${(mod.coverage! * 100).toFixed(1)} %`);
  await expect(page.getByRole("table", { name: "Coverage per build, newest first" }).getByRole("row")).toHaveCount(3);

  const chart = page.getByRole("img", { name: /Kernel module coverage per module version: coverage per module version over 2 builds/ });
  await expect(chart.locator("canvas")).toBeVisible();
  await saveScreenshot(page, "trends");
  // The last build's point is at the right edge of the plot.
  const over = chart.locator(".u-over");
  const box = (await over.boundingBox())!;
  await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
  await expect(page.getByTestId("trend-hover").first()).toContainText(`Build #${ids.master2}`);
  await page.mouse.click(box.x + box.width - 2, box.y + box.height / 2);
  await expect(page).toHaveURL(new RegExp(`/builds/${ids.master2}$`));

  // Another branch is another series of builds.
  await page.goto(`/trends?workspaceId=${workspaceId}&branch=bpf-ringbuf`);
  await expect(page.getByRole("table", { name: "Coverage per build, newest first" }).getByRole("row")).toHaveCount(2);
  await page.goto(`/trends?workspaceId=${workspaceId}&branch=no-such-branch`);
  await expect(page.getByRole("alert").filter({ hasText: `workspace ${NAME} has no driver build of branch no-such-branch` })).toBeVisible();
});

test("the Failures page puts new groups first, and a group's page keeps its history and on-call's acknowledgement", async ({ page, request }) => {
  const { groups } = (await (await request.get(`/api/failure-groups?workspaceId=${workspaceId}`)).json()) as Groups;
  const fresh = groups.find((g) => g.state === "new")!;
  expect(fresh.firstSeen.buildId).toBe(ids.ringbuf);
  expect(groups.some((g) => g.state === "ongoing")).toBe(true);

  await page.goto(`/failures?build=${ids.ringbuf}`);
  const first = page.locator("ol > li").first();
  await expect(first.getByTestId("group-state")).toHaveText(/new/);
  await expect(first.getByRole("heading", { level: 2 })).toHaveText(fresh.signature!);
  await expect(page.getByTestId("group-state").nth(1)).toHaveText(/ongoing/);
  await saveScreenshot(page, "failures-new-first");

  await first.getByRole("link", { name: /history: 1 build since #/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: new RegExp(`Failure group #${fresh.id} of ${NAME}`) })).toBeVisible();
  await expect(page.getByTestId("group-state")).toHaveText(/new/);
  await expect(page.getByRole("table", { name: /seen in, newest first/ }).getByRole("row")).toHaveCount(2);
  await expect(page.getByRole("region", { name: /^Failure log of / })).toBeVisible();
  await expect(page.getByTestId("acknowledgement")).toHaveText("Nobody has acknowledged it yet.");

  // A note over 4 KB is refused with the API's reason; nothing is kept.
  await page.getByLabel(/^Note/).fill("x".repeat(4097));
  await expect(page.getByText("4,097 of 4,096 bytes — too long: shorten it")).toBeVisible();
  await page.getByRole("button", { name: "Acknowledge" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "must be at most 4096 bytes" })).toBeVisible();
  await page.getByLabel(/^Note/).fill("the ring buffer probe fails on the 6.1 kernels: looking into it");
  await page.getByRole("button", { name: "Acknowledge" }).click();
  await expect(page.getByTestId("acknowledgement")).toContainText("the ring buffer probe fails on the 6.1 kernels");
  await expect(page.getByTestId("acknowledgement")).toContainText("Owned by");
  await saveScreenshot(page, "failure-group");

  // A kernel opens its own cell in the coverage grid.
  const kernelLink = page.getByRole("table", { name: /every task this group hit/ }).getByRole("link").first();
  const kernel = (await kernelLink.textContent())!;
  await kernelLink.click();
  await expect(page).toHaveURL(/\/coverage\?build=/);
  await expect(page.getByTestId("cell-state")).toHaveText("failed");
  await expect(page.getByRole("grid", { name: /Coverage/ }).getByRole("button", { name: new RegExp(`^${kernel.replace(/[.+]/g, "\\$&")} `) }).first()).toBeVisible();
});

test("the overview starts with the drivers: coverage per module version, its change since a week ago and the new failure groups", async ({ page, request }) => {
  const trends = (await (await request.get(`/api/trends?workspaceId=${workspaceId}`)).json()) as Trends & { branch: string };
  await page.goto("/");
  const drivers = page.getByRole("region", { name: "Drivers" });
  // The drivers come before what is building, the engine and storage.
  const order = await page.getByRole("region").evaluateAll((regions) => regions.map((r) => r.getAttribute("aria-label")));
  expect(order.indexOf("Drivers")).toBeLessThan(order.indexOf("Builds"));
  expect(order.indexOf("Builds")).toBeLessThan(order.indexOf("Docker engine"));
  const workspace = drivers.getByTestId("drivers-workspace").filter({ hasText: NAME });
  await expect(workspace.getByRole("heading", { level: 3 })).toContainText(`${NAME} at ${trends.branch}`);
  const latest = trends.points.at(-1)!.columns.find((c) => c.flavour === "mod")!;
  const latestRow = workspace.getByRole("row").filter({ hasText: "kernel module" }).filter({ hasText: latest.moduleVersion });
  await expect(latestRow).toContainText(`${(latest.coverage! * 100).toFixed(1)} %`);
  await expect(latestRow).toContainText("no build a week ago");
  // Every group of this run was first seen today.
  const { groups } = (await (await request.get(`/api/failure-groups?workspaceId=${workspaceId}`)).json()) as Groups;
  await expect(workspace.getByTestId("new-groups")).toHaveText(`${groups.length} failure groups first seen since yesterday:`);
  await saveScreenshot(page, "overview-drivers");
  await workspace.getByRole("link", { name: groups[0]!.signature!, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/failures/groups/${groups[0]!.id}$`));
});
