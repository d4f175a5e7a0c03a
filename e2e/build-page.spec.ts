import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { saveScreenshot } from "./screenshot";

// Real builds of the sample workspace on the real engine. Each build that must
// do real work gets an uncommitted change of the driver source no earlier
// build had (`checkoutBeforePatching: false` builds the working tree), so
// BuildKit's cache cannot answer for its builders.

type Workspace = { id: number; name: string; path: string };
type BuildView = {
  id: number;
  status: string;
  error: string | null;
  failedStep: string | null;
  image: { dockerId: string; ref: string | null } | null;
  plan: { planned: number | null; done: number; builders: Record<string, { planned: number; done: number; failed: number }> };
};

async function sampleWorkspace(request: APIRequestContext): Promise<Workspace> {
  const { workspaces } = (await (await request.get("/api/workspaces")).json()) as { workspaces: Workspace[] };
  const sample = workspaces.find((w) => w.name === "sample");
  expect(sample, "the sample workspace is registered").toBeTruthy();
  return sample!;
}

function changeDriverSource(workspace: Workspace, label: string) {
  fs.appendFileSync(path.join(workspace.path, "kernel-modules", "probe", "main.c"), `\n/* build page e2e: ${label} ${Date.now()} */\n`);
}

async function createBuild(request: APIRequestContext, workspace: Workspace, extra: Record<string, unknown> = {}): Promise<BuildView> {
  const response = await request.post("/api/builds", { data: { workspaceId: workspace.id, branch: "master", checkoutBeforePatching: false, ...extra } });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as BuildView;
}

async function readBuild(request: APIRequestContext, id: number): Promise<BuildView> {
  return (await (await request.get(`/api/builds/${id}`)).json()) as BuildView;
}

async function waitForEnd(request: APIRequestContext, id: number): Promise<BuildView> {
  await expect.poll(async () => (await readBuild(request, id)).status, { timeout: 180_000, intervals: [500] }).toMatch(/^(succeeded|failed|cancelled|interrupted)$/);
  return readBuild(request, id);
}

function countIgnoringCase(text: string, word: string) {
  return text.match(new RegExp(word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi"))?.length ?? 0;
}

function utcClock(ts: number) {
  return new Date(ts).toISOString().slice(11, 23);
}

test("a build's page follows it live, and its log can be searched, linked and read with times", async ({ page, request }) => {
  test.setTimeout(360_000);
  const workspace = await sampleWorkspace(request);
  changeDriverSource(workspace, "live");
  // The first build holds the engine (one build at a time), so the second waits in the queue when its page opens.
  // Its other BUILD_JOBS keeps the two builds from sharing cached builder steps.
  const first = await createBuild(request, workspace, { buildJobs: 3 });
  const build = await createBuild(request, workspace);

  await page.goto(`/builds/${build.id}`);
  await expect(page.getByRole("heading", { level: 1, name: `Build #${build.id}` })).toBeVisible();
  const builderStage = page.locator('[data-testid=stage-row][data-stage="rhel-8-builder"]');
  const atOpen = (await builderStage.count()) === 0 ? "not started" : await builderStage.getAttribute("data-status");
  expect(["not started", "waiting", "running"], `build #${first.id} still ran when #${build.id}'s page opened`).toContain(atOpen);

  // While it runs: a running stage, a growing log.
  await expect(page.locator("[data-testid=stage-row][data-status=running]").first()).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId("build-status")).toHaveAttribute("data-status", "running");
  await expect(page.getByRole("button", { name: "Cancel build" })).toBeVisible();
  await expect(page.getByTestId("log-line-count")).not.toHaveText(/^0 lines/);
  await saveScreenshot(page, "build-running");

  // It ends on its own page, without a reload.
  await expect(builderStage).toHaveAttribute("data-status", /^(done|cached)$/, { timeout: 180_000 });
  await expect(page.getByTestId("build-status")).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  const done = await readBuild(request, build.id);
  expect(done.status).toBe("succeeded");
  expect(Object.keys(done.plan.builders).length).toBeGreaterThan(0);
  for (const [builder, counts] of Object.entries(done.plan.builders)) {
    const bar = page.locator(`[data-testid=builder-progress][data-builder="${builder}"]`);
    await expect(bar.getByTestId("builder-count")).toHaveText(`${counts.planned} of ${counts.planned}`);
    await expect(bar.getByRole("progressbar")).toHaveAttribute("aria-valuenow", String(counts.planned));
  }
  await expect(page.getByTestId("progress-overall")).toContainText(`${done.plan.planned} of ${done.plan.planned}`);
  await expect(page.getByTestId("result-image")).toContainText(done.image!.ref!);
  await expect(page.getByTestId("result-image")).toContainText(done.image!.dockerId.replace("sha256:", "").slice(0, 12));
  await expect(page.getByRole("button", { name: "Cancel build" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Run again with the same options" })).toHaveAttribute("href", `/builds/new?from=${build.id}`);
  await saveScreenshot(page, "build-succeeded");

  // Search counts what the raw log holds, collapsed sections included.
  const raw = await (await request.get(`/api/builds/${build.id}/logs`)).text();
  const word = raw.includes("KOBUILD-TASK end") ? "KOBUILD-TASK end" : "kobuild";
  const expected = countIgnoringCase(raw, word);
  expect(expected).toBeGreaterThan(1);
  const builderSection = page.locator('[data-testid=log-section][data-section="rhel-8-builder"]');
  await expect(builderSection).toHaveAttribute("data-open", "false");
  const search = page.getByRole("searchbox", { name: "Search the log" });
  await search.fill(word);
  await expect(page.getByTestId("search-count")).toHaveText(`1 of ${expected} matches`);
  await search.press("Enter");
  await expect(page.getByTestId("search-count")).toHaveText(`2 of ${expected} matches`);
  const current = page.locator("mark[data-match=current]");
  await expect(current).toBeVisible();
  await expect(current).toHaveText(new RegExp(`^${word}$`, "i"));
  await expect(page.locator("mark[data-match=match]").first()).toBeVisible();
  if (word === "KOBUILD-TASK end") await expect(builderSection).toHaveAttribute("data-open", "true");
  await search.press("Shift+Enter");
  await expect(page.getByTestId("search-count")).toHaveText(`1 of ${expected} matches`);
  // Inside the log, Ctrl+F goes to this search rather than the browser's, which sees only the rows on screen.
  await page.getByTestId("log-lines").focus();
  await page.keyboard.press("Control+f");
  await expect(search).toBeFocused();
  await saveScreenshot(page, "build-log-search");

  // A line's number links to it; the link survives a reload.
  const row = page.locator("[data-seq]", { has: page.locator("mark[data-match=current]") });
  const seq = Number(await row.getAttribute("data-seq"));
  await row.getByRole("link", { name: `Line ${seq}` }).click();
  await expect(page).toHaveURL(new RegExp(`/builds/${build.id}#L${seq}$`));
  await expect(page.locator(`[data-seq="${seq}"]`)).toHaveAttribute("data-highlighted", "true");
  await page.reload();
  const linked = page.locator(`[data-seq="${seq}"]`);
  await expect(linked).toHaveAttribute("data-highlighted", "true");
  await expect(linked).toBeInViewport();

  // Timestamps show each line's time and stay on after a reload.
  const lines = (await (await request.get(`/api/builds/${build.id}/logs?format=ndjson`)).text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { seq: number; ts: number });
  const ts = lines.find((l) => l.seq === seq)!.ts;
  await expect(linked.getByTestId("line-time")).toHaveCount(0);
  await page.getByLabel("Timestamps").selectOption("clock");
  await expect(linked.getByTestId("line-time")).toHaveText(utcClock(ts));
  await page.reload();
  await expect(page.getByLabel("Timestamps")).toHaveValue("clock");
  await expect(page.locator(`[data-seq="${seq}"]`).getByTestId("line-time")).toHaveText(utcClock(ts));

  // The raw log opens as text and downloads as a file.
  await expect(page.getByRole("link", { name: "Raw log" })).toHaveAttribute("href", `/api/builds/${build.id}/logs`);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download", exact: true }).click()]);
  expect(download.suggestedFilename()).toBe(`build-${build.id}.log`);
  expect(fs.readFileSync(await download.path(), "utf8")).toBe(raw);

  await page.emulateMedia({ colorScheme: "dark" });
  await saveScreenshot(page, "build-dark");
});

test("a running build can be cancelled from its page", async ({ page, request }) => {
  test.setTimeout(240_000);
  const workspace = await sampleWorkspace(request);
  changeDriverSource(workspace, "cancel");
  const build = await createBuild(request, workspace, { buildJobs: 1 });
  await page.goto(`/builds/${build.id}`);
  await expect(page.getByTestId("build-status")).toHaveAttribute("data-status", /^(queued|running)$/);

  // Changing one's mind keeps it going.
  await page.getByRole("button", { name: "Cancel build" }).click();
  const dialog = page.getByRole("dialog", { name: `Cancel build #${build.id}?` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Keep it running" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("build-status")).toHaveAttribute("data-status", /^(queued|running)$/);

  await page.getByRole("button", { name: "Cancel build" }).click();
  await dialog.getByRole("button", { name: "Yes, cancel the build" }).click();
  await expect(page.getByTestId("build-status")).toHaveAttribute("data-status", "cancelled", { timeout: 60_000 });
  await expect(page.getByTestId("build-status")).toHaveText("Cancelled");
  await expect(page.getByRole("button", { name: "Cancel build" })).toHaveCount(0);
  expect((await waitForEnd(request, build.id)).status).toBe("cancelled");
  await expect(page.locator("[data-testid=stage-row][data-status=running]")).toHaveCount(0);
  await saveScreenshot(page, "build-cancelled");
});

test("a failed build pins its error and failing step, with a link to the failing stage's log", async ({ page, request }) => {
  test.setTimeout(180_000);
  const workspace = await sampleWorkspace(request);
  const moduleVersion = path.join(workspace.path, "kernel-modules", "MODULE_VERSION");
  const original = fs.readFileSync(moduleVersion, "utf8");
  let failed: BuildView;
  fs.writeFileSync(moduleVersion, "not a version!\n");
  try {
    failed = await waitForEnd(request, (await createBuild(request, workspace)).id);
  } finally {
    fs.writeFileSync(moduleVersion, original);
  }
  expect(failed.status).toBe("failed");

  await page.goto(`/builds/${failed.id}`);
  const alert = page.getByRole("alert").filter({ hasText: "The build failed" });
  await expect(alert).toContainText("The build failed in stage patcher");
  await expect(alert).toContainText(failed.failedStep!);
  await expect(alert).toContainText(failed.error!);
  // The reason is in the stage's own output, shown with the alert.
  await expect(alert.getByTestId("failure-log-tail")).toContainText("invalid module version 'not a version!'");

  // The failing stage's section opens by itself; closed again, the alert's link opens it and scrolls to it.
  const patcher = page.locator('[data-testid=log-section][data-section="patcher"]');
  await expect(patcher).toHaveAttribute("data-open", "true");
  await expect(page.getByTestId("log-lines")).toContainText("invalid module version");
  await patcher.getByRole("button").click();
  await expect(patcher).toHaveAttribute("data-open", "false");
  await page.evaluate(() => window.scrollTo(0, 0));
  await alert.getByRole("link", { name: "Show the patcher log" }).click();
  await expect(page).toHaveURL(new RegExp(`/builds/${failed.id}#stage-patcher$`));
  await expect(patcher).toHaveAttribute("data-open", "true");
  await expect(patcher).toBeInViewport();
  await expect(page.getByTestId("log-lines")).toContainText("invalid module version");
  await saveScreenshot(page, "build-failed");

  // Expand all opens every section with lines; collapse all closes them.
  const sections = page.getByTestId("log-section");
  await page.getByRole("button", { name: "Expand all" }).click();
  for (const section of await sections.all()) {
    if ((await section.textContent())!.includes("no output")) continue;
    await expect(section).toHaveAttribute("data-open", "true");
  }
  await page.getByRole("button", { name: "Collapse all" }).click();
  await expect(page.locator("[data-testid=log-section][data-open=true]")).toHaveCount(0);
});

test("the log follows new lines at its end, stays put when the reader scrolls up, and wraps long lines on demand", async ({ page, request }) => {
  test.setTimeout(180_000);
  // A workspace whose one-stage Dockerfile prints a long line, then a line every 50 ms for minutes:
  // it is cancelled once the page has shown what it must, so a slow machine cannot run out of lines.
  const nonce = `${process.pid}-${Date.now()}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-e2e-ticker-"));
  const longLine = `long line ${"0123456789".repeat(40)} end`;
  fs.writeFileSync(
    path.join(dir, "Dockerfile"),
    `FROM kobuild/toolchain:bookworm-1\nRUN echo ${nonce} && echo "${longLine}" && for i in $(seq 1 4000); do echo "tick $i"; sleep 0.05; done && mkdir -p /kernel-modules /FAILURES\n`,
  );
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: "e2e", GIT_AUTHOR_EMAIL: "e2e@kobuild.invalid", GIT_COMMITTER_NAME: "e2e", GIT_COMMITTER_EMAIL: "e2e@kobuild.invalid" } });
  git("init", "-q", "-b", "master");
  git("add", ".");
  git("commit", "-qm", "ticker");
  let buildId: number | null = null;
  try {
    const registered = await request.post("/api/workspaces", { data: { name: `ticker-${nonce}`, path: dir, dockerfile: "Dockerfile", network: "none" } });
    expect(registered.status(), await registered.text()).toBe(201);
    const workspace = (await registered.json()) as Workspace;
    const build = await createBuild(request, workspace);
    buildId = build.id;
    await page.goto(`/builds/${build.id}`);
    const log = page.getByTestId("log-lines");
    const distanceFromEnd = () => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    const lineCount = async () => Number((await page.getByTestId("log-line-count").textContent())!.replace(/[^\d]/g, ""));

    // More lines than fit: the newest stay in view.
    await expect.poll(() => log.evaluate((el) => el.scrollHeight > el.clientHeight * 2), { timeout: 120_000 }).toBe(true);
    await expect(log).toHaveAttribute("data-following", "true");
    await expect.poll(distanceFromEnd).toBeLessThan(2);

    // Scrolled up, the view holds still while lines keep coming.
    await log.hover();
    await page.mouse.wheel(0, -800);
    await expect(log).toHaveAttribute("data-following", "false");
    const follow = page.getByRole("button", { name: "Follow the log" });
    await expect(follow).toBeVisible();
    const top = await log.evaluate((el) => el.scrollTop);
    const before = await lineCount();
    await expect.poll(lineCount).toBeGreaterThan(before + 10);
    expect(await log.evaluate((el) => el.scrollTop)).toBe(top);

    // The button, or scrolling back to the end, follows again.
    await follow.click();
    await expect(log).toHaveAttribute("data-following", "true");
    await expect(follow).toBeHidden();
    await page.mouse.wheel(0, -400);
    await expect(log).toHaveAttribute("data-following", "false");
    await log.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect(log).toHaveAttribute("data-following", "true");
    const after = await lineCount();
    await expect.poll(lineCount).toBeGreaterThan(after + 10);
    await expect.poll(distanceFromEnd).toBeLessThan(2);

    // Enough lines that the stage's section is far taller than the view, for the pinned header below.
    await expect.poll(lineCount, { timeout: 60_000 }).toBeGreaterThan(200);

    // A long line scrolls sideways inside the log, not the page; wrapped, it takes several rows' height.
    expect((await request.post(`/api/builds/${build.id}/cancel`)).status()).toBe(202);
    expect((await waitForEnd(request, build.id)).status).toBe("cancelled");
    await expect(page.getByTestId("build-status")).toHaveAttribute("data-status", "cancelled");
    await page.getByRole("button", { name: "Expand all" }).click();
    await log.evaluate((el) => el.scrollTo({ top: 0 }));
    const longRow = page.locator("[data-seq]", { hasText: "long line 0123456789" });
    await expect(longRow).toBeVisible();
    expect(await log.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect((await longRow.boundingBox())!.height).toBe(20);
    await page.getByLabel("Wrap lines").check();
    await expect.poll(async () => (await longRow.boundingBox())!.height).toBeGreaterThan(40);
    expect(await log.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await saveScreenshot(page, "build-log-wrapped");

    // Deep in a section, its header stays pinned on top; closing it there brings the reader back to the header.
    // The Dockerfile's one unnamed stage makes the result: its section is named so, its key stays BuildKit's.
    const section = "stage-0";
    await expect(page.locator(`[data-testid=log-section][data-section="${section}"]`)).toContainText("final image", { timeout: 15_000 });
    await log.evaluate((el) => el.scrollTo({ top: el.scrollHeight / 2 }));
    const pinned = page.getByTestId("log-section-pinned");
    await expect(pinned).toHaveAttribute("data-section", section);
    await expect(pinned).toBeInViewport();
    await pinned.getByRole("button", { name: /\d{3,} lines/ }).click();
    const header = page.locator(`[data-testid=log-section][data-section="${section}"]`);
    await expect(header).toHaveAttribute("data-open", "false");
    await expect(header).toBeInViewport();
    await expect(pinned).toHaveCount(0);
  } finally {
    // A failed check leaves no build running for minutes.
    if (buildId !== null) await request.post(`/api/builds/${buildId}/cancel`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("an unknown build is a 404 page", async ({ page }) => {
  const response = await page.goto("/builds/999999");
  expect(response?.status()).toBe(404);
});
