import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { adminState, ports } from "../playwright.config";
import { saveScreenshot } from "./screenshot";

// A real bare repository whose HEAD is `main`, reached as file://, added on
// Settings, fetched, its failing fetch shown, and removed through the dialog.
const NAME = "e2e-remote";
const root = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-e2e-remote-"));
const bare = path.join(root, "collector.git");
const work = path.join(root, "work");
const url = `file://${bare}`;

type Workspace = { id: number; name: string; path: string; defaultBranch: string | null; lastFetch: { at: string; error: string | null } | null };

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=kobuild e2e", "-c", "user.email=e2e@kobuild.invalid", "-c", "commit.gpgsign=false", ...args], { cwd, encoding: "utf8" });

test.beforeAll(() => {
  git(root, "init", "-q", "--bare", "-b", "main", bare);
  git(root, "init", "-q", "-b", "main", work);
  fs.mkdirSync(path.join(work, "kernel-modules", "dockerized"), { recursive: true });
  fs.writeFileSync(path.join(work, "kernel-modules", "dockerized", "Dockerfile"), "FROM scratch\n");
  fs.writeFileSync(path.join(work, "kernel-modules", "MODULE_VERSION"), "2.9.0\n");
  git(work, "add", "-A");
  git(work, "commit", "-q", "-m", "Dockerized build");
  git(work, "branch", "feature");
  git(work, "push", "-q", bare, "main", "feature");
});

test.afterAll(async ({ playwright }) => {
  // A failed run must not leave its workspace on the shared instance.
  const api = await playwright.request.newContext({ baseURL: `http://127.0.0.1:${ports.main}`, storageState: adminState });
  const { workspaces } = (await (await api.get("/api/workspaces")).json()) as { workspaces: Workspace[] };
  for (const w of workspaces.filter((w) => w.name === NAME)) await api.delete(`/api/workspaces/${w.id}`);
  await api.dispose();
  fs.rmSync(root, { recursive: true, force: true });
});

const rowOf = (page: Page) => page.getByRole("table", { name: "Workspaces" }).getByRole("row").filter({ has: page.getByRole("rowheader", { name: NAME, exact: true }) });
const workspace = async (page: Page) => ((await (await page.request.get("/api/workspaces")).json()) as { workspaces: Workspace[] }).workspaces.find((w) => w.name === NAME);

test("a git remote is added on Settings, fetched now, shown with its default branch and last fetch, and removed with its clone", async ({ page }) => {
  await page.goto("/settings");
  const form = page.getByRole("form", { name: "Add a workspace" });
  await form.getByLabel("Name", { exact: true }).fill(NAME);
  await expect(form.getByRole("radio", { name: "A git remote" })).toBeChecked();
  // A password in the URL is refused, and says where credentials belong.
  await form.getByLabel("Remote URL").fill("https://ci:hunter2@git.example/collector.git");
  await form.getByRole("button", { name: "Add workspace" }).click();
  await expect(form.getByRole("alert")).toContainText("the remote URL holds a password");
  expect(await workspace(page)).toBeUndefined();

  await form.getByLabel("Remote URL").fill(url);
  await form.getByRole("button", { name: "Add workspace" }).click();
  const row = rowOf(page);
  await expect(row).toContainText("git remote");
  await expect(row).toContainText(url);
  await expect(row.getByRole("cell", { name: "main", exact: true })).toBeVisible();
  await expect(row.getByTestId("last-fetch")).toContainText("fetched");
  await expect(form.getByLabel("Name", { exact: true })).toHaveValue("");
  const added = (await workspace(page))!;
  expect(added.defaultBranch).toBe("main");
  expect(fs.existsSync(path.join(added.path, ".git"))).toBe(true);

  // Fetch now: a branch deleted on the remote goes, and the last fetch is newer.
  git(work, "push", "-q", bare, "--delete", "feature");
  await row.getByRole("button", { name: `Fetch ${NAME} now` }).click();
  await expect.poll(async () => (await workspace(page))?.lastFetch?.at).not.toBe(added.lastFetch!.at);
  const refs = (await (await page.request.get(`/api/workspaces/${added.id}/refs`)).json()) as { branches: { name: string }[] };
  expect(refs.branches.map((b) => b.name)).toEqual(["main"]);

  // A remote that is gone: the fetch fails, and the row says why.
  fs.renameSync(bare, `${bare}.away`);
  try {
    await row.getByRole("button", { name: `Fetch ${NAME} now` }).click();
    await expect(row.getByTestId("last-fetch")).toContainText("failed");
    await expect(row.getByTestId("last-fetch")).toContainText("no such repository");
    await page.locator("#workspaces").screenshot({ path: path.join("e2e", ".artifacts", "screenshots", "settings-workspaces-fetch-failed.png") });
  } finally {
    fs.renameSync(`${bare}.away`, bare);
  }
  await row.getByRole("button", { name: `Fetch ${NAME} now` }).click();
  await expect(row.getByTestId("last-fetch")).toHaveAttribute("data-ok", "true");

  // The build form starts at the remote's default branch.
  await page.goto(`/builds/new?workspace=${added.id}`);
  await expect(page.getByLabel("Branch or tag (BRANCH)")).toHaveValue("main");

  await page.goto("/settings");
  await saveScreenshot(page, "settings-workspaces");
  // The section alone, legible at full size.
  await page.locator("#workspaces").screenshot({ path: path.join("e2e", ".artifacts", "screenshots", "settings-workspaces-section.png") });
  await rowOf(page).getByRole("button", { name: `Remove ${NAME}` }).click();
  const dialog = page.getByRole("dialog", { name: `Remove workspace ${NAME}?` });
  await expect(dialog).toContainText("deletes its clone of the remote");
  await dialog.getByRole("button", { name: "Remove workspace" }).click();
  await expect(rowOf(page)).toHaveCount(0);
  expect(await workspace(page)).toBeUndefined();
  expect(fs.existsSync(added.path)).toBe(false);
  expect(fs.existsSync(path.join(bare, "HEAD"))).toBe(true);
});

test("a build's page shows the commit it built, the whole hash on hover", async ({ page, request }) => {
  const { workspaces } = (await (await request.get("/api/workspaces")).json()) as { workspaces: Workspace[] };
  const sample = workspaces.find((w) => w.name === "sample")!;
  const response = await request.post("/api/builds", { data: { workspaceId: sample.id, target: "task-master" } });
  expect(response.status()).toBe(201);
  const { id, branch } = (await response.json()) as { id: number; branch: string };
  expect(branch).toBe(sample.defaultBranch);
  const done = async () => ((await (await request.get(`/api/builds/${id}`)).json()) as { status: string; commit: string | null }) ?? null;
  await expect.poll(async () => (await done()).status, { timeout: 120_000 }).toBe("succeeded");
  const { commit } = await done();
  expect(commit).toMatch(/^[0-9a-f]{40}$/);
  await page.goto(`/builds/${id}`);
  const shown = page.getByTestId("build-commit");
  await expect(shown).toHaveText(commit!.slice(0, 12));
  await expect(shown.locator("abbr")).toHaveAttribute("title", commit!);
  await page.locator("main header").first().screenshot({ path: path.join("e2e", ".artifacts", "screenshots", "build-header-commit.png") });
});
