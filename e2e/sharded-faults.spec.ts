import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { privateEngine } from "../test/integration/helpers/private-engine";
import { startTestRegistry, type TestRegistry } from "../test/integration/helpers/registry";
import { adminState, ports } from "../playwright.config";
import { saveScreenshot } from "./screenshot";

// A build sharded over the default engine and a second dockerd of the spec's
// own, with a real registry between them. The second engine is killed while
// its shard compiles: the page shows the shard move to the default engine,
// the failed attempt kept under its lane, and the build still succeed.
const engine = privateEngine("e2e-shard-faults");
const NAME = "e2e shard engine";
let registry: TestRegistry;

type Workspace = { id: number; name: string; path: string };
type Attempt = { buildId: number; attempt: number; status: string; engine: { id: string; name: string } | null; stages: { name: string; status: string }[] };
type Sharded = { id: number; status: string; shards: { index: number; attempts: Attempt[] }[] | null };

test.beforeAll(async () => {
  registry = await startTestRegistry();
  await engine.start();
});

test.afterAll(async ({ playwright }) => {
  const api = await playwright.request.newContext({ baseURL: `http://127.0.0.1:${ports.main}`, storageState: adminState });
  const { engines } = (await (await api.get("/api/engines")).json()) as { engines: { id: string; name: string }[] };
  for (const e of engines.filter((e) => e.name === NAME)) await api.delete(`/api/engines/${e.id}`);
  // Nor a registry that is about to stop answering.
  const { registries } = (await (await api.get("/api/registries")).json()) as { registries: { id: number; name: string }[] };
  for (const r of registries.filter((r) => r.name === "e2e shards")) await api.delete(`/api/registries/${r.id}`);
  await api.dispose();
  await engine.destroy();
  await registry?.stop();
});

test("a shard whose engine dies moves to another engine while the page watches, and the build succeeds", async ({ page, request }) => {
  test.setTimeout(600_000);
  const { workspaces } = (await (await request.get("/api/workspaces")).json()) as { workspaces: Workspace[] };
  const sample = workspaces.find((w) => w.name === "sample")!;
  fs.appendFileSync(path.join(sample.path, "kernel-modules", "probe", "main.c"), `\n/* sharded faults e2e ${Date.now()} */\n`);
  const added = await request.post("/api/registries", { data: { name: "e2e shards", url: registry.url, username: registry.username, password: registry.password } });
  expect(added.status()).toBe(201);
  const { id: registryId } = (await added.json()) as { id: number };
  const engineAdded = await request.post("/api/engines", { data: { name: NAME, url: engine.host, concurrency: 1 } });
  expect(engineAdded.status()).toBe(201);
  const { id: engineId } = (await engineAdded.json()) as { id: string };

  const started = await request.post("/api/builds", { data: { workspaceId: sample.id, branch: "master", checkoutBeforePatching: false, buildJobs: 1, legacyProbes: true, sharding: { engines: "all", registryId } } });
  expect(started.status()).toBe(201);
  const { id } = (await started.json()) as { id: number };
  await page.goto(`/builds/${id}`);
  await page.evaluate("window.sameDocument = true");

  // Its shard compiles on the second engine (which first receives the base images)...
  const onSecond = (b: Sharded) => b.shards?.find((s) => s.attempts.at(-1)!.engine?.id === engineId);
  await expect
    .poll(async () => {
      const b = (await (await request.get(`/api/builds/${id}`)).json()) as Sharded;
      return onSecond(b)?.attempts.at(-1)!.stages.find((s) => s.name === "rhel-8-builder")?.status ?? "not yet";
    }, { timeout: 300_000 })
    .toBe("running");
  const shard = onSecond((await (await request.get(`/api/builds/${id}`)).json()) as Sharded)!.index;
  const lane = page.locator(`[data-testid=shard-lane][data-shard="${shard}"]`);
  await expect(lane).toContainText(`engine ${NAME}`);

  // ...when that engine dies.
  await engine.stop("SIGKILL");
  await expect(lane).toContainText("engine default", { timeout: 120_000 });
  await expect(lane).toContainText("attempt 2");
  const earlier = lane.getByTestId("shard-earlier-attempts");
  await expect(earlier).toContainText(`attempt 1 on engine ${NAME}: failed — lost the Docker engine`);
  await expect(lane).toHaveAttribute("data-status", "succeeded", { timeout: 300_000 });
  const status = page.locator("main header").getByTestId("build-status");
  await expect(status).toHaveAttribute("data-status", "succeeded", { timeout: 240_000 });
  expect(await page.evaluate("window.sameDocument")).toBe(true);
  await lane.scrollIntoViewIfNeeded();
  await saveScreenshot(page, "build-sharded-retry");

  // The failed attempt's own page keeps its log, with the reason.
  await earlier.getByRole("link", { name: `attempt 1 on engine ${NAME}` }).click();
  await expect(page.getByText(/lost the Docker engine/).first()).toBeVisible();
  await engine.start();
});
