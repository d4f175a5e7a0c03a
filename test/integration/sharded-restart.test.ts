import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { dashboardAuth, startDashboard, type DashboardProcess } from "./helpers/dashboard-process";
import { bundlesDir } from "./helpers/driver-build";
import { privateEngine } from "./helpers/private-engine";
import { startTestRegistry, type TestRegistry } from "./helpers/registry";
import { until } from "./helpers/until";
import { freshDataDir, makeSampleWorkspace } from "./helpers/sample-data-dir";

// The built dashboard as a process of its own, killed as a crash would kill
// it while a sharded build runs on two engines: at the next start nothing of
// that build may be left running or waiting, on either engine.
const dataDir = freshDataDir("shard-restart");
const serverDir = path.join(dataDir, "dashboard");
const PORT = Number(process.env.KOBUILD_E2E_PORT ?? 3100) + 760;

const { openDb } = await import("@/lib/db/client");
const { importSample } = await import("@/lib/workspace/import-sample");

const second = privateEngine("restart-b");
let registry: TestRegistry;
let dashboard: DashboardProcess | null = null;
let workspaceId = 0;

type Attempt = { buildId: number; status: string; engine: { id: string } | null; stages: { name: string; status: string }[] };
type View = { id: number; status: string; error: string | null; shards: { index: number; attempts: Attempt[] }[] | null };

async function api<T>(pathname: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${dashboard!.url}${pathname}`, { ...init, headers: { ...dashboardAuth, "content-type": "application/json", ...(init?.headers as Record<string, string> | undefined) } });
  const body = (await response.json()) as T;
  if (!response.ok) throw new Error(`${pathname}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}
const post = <T>(pathname: string, body: unknown) => api<T>(pathname, { method: "POST", body: JSON.stringify(body) });


beforeAll(async () => {
  registry = await startTestRegistry();
  await second.start();
  fs.mkdirSync(serverDir, { recursive: true });
  const workspacePath = makeSampleWorkspace(serverDir);
  fs.appendFileSync(path.join(workspacePath, "kernel-modules/probe/main.c"), `/* sharded restart test ${process.pid} ${Date.now()} */\n`);
  // Stored before the dashboard starts, as `npm run sample` does.
  workspaceId = (await importSample({ workspacePath, bundleDir: bundlesDir, db: openDb(serverDir), dataDir: serverDir })).workspace.id;
  dashboard = await startDashboard(serverDir, PORT, {});
}, 300_000);

afterAll(async () => {
  await dashboard?.kill("SIGTERM");
  await second.destroy();
  await registry?.stop();
});

it("a sharded build whose dashboard dies is interrupted at the next start, with every shard, and nothing of it runs on either engine", async () => {
  const { id: registryId } = await post<{ id: number }>("/api/registries", { name: "shards", url: registry.url, username: registry.username, password: registry.password });
  const { id: engineB } = await post<{ id: string }>("/api/engines", { name: "engine b", url: second.host, concurrency: 1 });
  // A plain build takes the default engine's one slot first: the shard meant for it waits in the queue.
  const options = { workspaceId, branch: "master", checkoutBeforePatching: false, buildJobs: 1, legacyProbes: true };
  const plain = await post<View>("/api/builds", options);
  await until("the plain build running", () => api<View>(`/api/builds/${plain.id}`), (v) => v.status === "running", 120_000);
  const build = await post<View>("/api/builds", { ...options, sharding: { engines: 2, registryId } });
  const running = await until(
    "a shard compiling on engine b",
    () => api<View>(`/api/builds/${build.id}`),
    (v) => (v.shards ?? []).some((s) => s.attempts.some((a) => a.engine?.id === engineB && a.stages.some((st) => st.name === "rhel-8-builder" && st.status === "running"))),
    // The second engine first receives the base images.
    300_000,
  );
  expect(running.status).toBe("running");
  expect(running.shards!.flatMap((s) => s.attempts).map((a) => a.status).sort()).toEqual(["queued", "running"]);

  await dashboard!.kill("SIGKILL");
  dashboard = await startDashboard(serverDir, PORT, {});

  const after = await api<View>(`/api/builds/${build.id}`);
  expect(after).toMatchObject({ status: "interrupted", error: "the dashboard stopped while this build ran" });
  const attempts = after.shards!.flatMap((s) => s.attempts);
  expect(attempts.length).toBeGreaterThan(0);
  expect(attempts.map((a) => a.status).sort()).toEqual(["cancelled", "interrupted"]);
  expect((await api<View>(`/api/builds/${plain.id}`)).status).toBe("interrupted");
  // Nothing waits to start for a build nobody merges any more.
  await new Promise((r) => setTimeout(r, 2000));
  const again = await api<View>(`/api/builds/${build.id}`);
  expect(again.shards!.flatMap((s) => s.attempts).map((a) => a.status)).toEqual(attempts.map((a) => a.status));

  // The shard that ran on engine b: its BuildKit job there was cancelled, and its log says so.
  const onB = attempts.find((a) => a.engine?.id === engineB && a.status === "interrupted")!;
  expect(onB).toBeDefined();
  const log = await until(
    "the note of what was stopped",
    async () => (await fetch(`${dashboard!.url}/api/builds/${onB.buildId}/logs`, { headers: dashboardAuth })).text(),
    (text) => /the dashboard stopped while this build ran; /.test(text),
    30_000,
  );
  expect(log).toMatch(/; cancelled its BuildKit job kobuild-[0-9a-f]{6}-build-\d+, should it still run$/m);
  // And the engine no longer compiles anything of it.
  await until("compilers on engine b", async () => second.docker(["ps", "-q"]).trim() + processesCompilingUnder(second.base).join(","), (v) => v === "", 30_000);
  expect(fs.readdirSync(path.join(serverDir, "engine-work"))).toEqual([]);
}, 600_000);

/** Processes of engine b's build steps: they run in its data root. */
function processesCompilingUnder(base: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const root = fs.readlinkSync(`/proc/${entry}/root`);
      if (root.startsWith(base) && root !== base) found.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}
