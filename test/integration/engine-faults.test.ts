import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminRequest } from "./helpers/admin-request";
import { dashboardAuth, startDashboard, type DashboardProcess } from "./helpers/dashboard-process";
import { importBusybox, privateEngine, processesWith, stickyProxy } from "./helpers/private-engine";
import { until } from "./helpers/until";
import { freshDataDir } from "./helpers/sample-data-dir";
import { waitForBuild } from "./helpers/wait-for-build";

// Faults of the engine and of the dashboard itself, on an engine of the
// test's own (a second dockerd): it is killed and started again, which the
// machine's engine must never be.

const engine = privateEngine("fault");
process.env.DOCKER_HOST = engine.host;
const dataDir = freshDataDir("faults");
const PORT = Number(process.env.KOBUILD_E2E_PORT ?? 3800);
const BASE_IMAGE = "kobuild-fault/busybox:1";
const nonce = randomBytes(6).toString("hex");

const { createBuild } = await import("@/lib/builds/create-build");
const { createBuildBodySchema } = await import("@/lib/builds/build-schemas");
const { readLogLines } = await import("@/lib/builds/read-log-lines");
const { registerWorkspace } = await import("@/lib/workspace/register-workspace");
const { getDefaultEngine } = await import("@/lib/docker/engine");
const healthRoute = await import("@/app/api/health/route");
const buildRoute = await import("@/app/api/builds/[id]/route");

/** A git checkout holding only a Dockerfile: the smallest workspace a build can run. */
function dockerfileWorkspace(name: string, lines: string[]): string {
  const dir = path.join(dataDir, "checkouts", name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "Dockerfile"), `${lines.join("\n")}\n`);
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=kobuild test", "-c", "user.email=test@kobuild.invalid", ...args], { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "master");
  git("add", ".");
  git("commit", "-qm", name);
  return dir;
}

/** A build that prints a line every tenth of a second; the nonce in its command finds its process on the host. */
const ticking = (label: string, ticks: number) => [
  `FROM ${BASE_IMAGE}`,
  `RUN for i in $(seq 1 ${ticks}); do echo "tick $i"; sleep 0.1; done # ${label}-${nonce}`,
  "RUN mkdir -p /kernel-modules /FAILURES",
];

async function health() {
  const response = await healthRoute.GET(new AdminRequest("http://127.0.0.1/api/health"), { params: Promise.resolve({}) });
  return { status: response.status, body: (await response.json()) as { status: string; docker: { reachable: boolean; error?: string } } };
}


const ticksIn = (texts: string[]) => texts.filter((t) => /^tick \d+$/.test(t));

beforeAll(async () => {
  await engine.start();
  await importBusybox(getDefaultEngine(), BASE_IMAGE);
}, 120_000);

afterAll(async () => {
  await engine.destroy();
}, 120_000);

describe("the engine stops mid-build", () => {
  it("fails the build saying it lost the engine, keeps its log; health shows the engine gone while the dashboard answers, then back; a new build works", async () => {
    const slow = await registerWorkspace({ name: "slow", path: dockerfileWorkspace("slow", ticking("slow", 300)), dockerfile: "Dockerfile", network: "none" });
    const build = await createBuild(createBuildBodySchema.parse({ workspaceId: slow.id }));
    await waitForBuild(build.id, () => ticksIn(readLogLines(build.id, { limit: 10_000 }).map((l) => l.text)).length >= 20, 120_000);

    // The engine dies as in a crash: no shutdown, no last message.
    await engine.stop("SIGKILL");
    const failed = await waitForBuild(build.id, undefined, 60_000);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/^lost the Docker engine during the build \((connection refused|no engine socket at that path)\)$/);

    // Every line printed before the engine went is kept, in order, and the log ends saying why.
    const texts = readLogLines(build.id, { limit: 10_000 }).map((l) => l.text);
    const ticks = ticksIn(texts);
    expect(ticks.length).toBeGreaterThanOrEqual(20);
    expect(ticks).toEqual(ticks.map((_, i) => `tick ${i + 1}`));
    expect(texts[texts.length - 1]).toBe(`kobuild: ${failed.error}`);

    // The dashboard stays up: health answers 200, degraded, with the engine unreachable; the build reads as usual.
    const down = await until("health without the engine", health, (h) => !h.body.docker.reachable);
    expect(down.status).toBe(200);
    expect(down.body.status).toBe("degraded");
    const view = await buildRoute.GET(new AdminRequest(`http://127.0.0.1/api/builds/${build.id}`), { params: Promise.resolve({ id: String(build.id) }) });
    expect(view.status).toBe(200);

    await engine.start();
    const up = await until("health with the engine back", health, (h) => h.body.docker.reachable);
    expect(up.body.status).toBe("ok");

    const quick = await registerWorkspace({ name: "quick", path: dockerfileWorkspace("quick", [`FROM ${BASE_IMAGE}`, `RUN echo "quick ${nonce}" && mkdir -p /kernel-modules /FAILURES`]), dockerfile: "Dockerfile", network: "none" });
    const after = await waitForBuild((await createBuild(createBuildBodySchema.parse({ workspaceId: quick.id }))).id, undefined, 120_000);
    expect(after.error).toBeNull();
    expect(after.status).toBe("succeeded");
    expect(readLogLines(after.id, { limit: 1000 }).map((l) => l.text)).toContain(`quick ${nonce}`);
  }, 300_000);
});

describe("the dashboard dies mid-build", () => {
  const serverDir = path.join(dataDir, "dashboard");
  let dashboard: DashboardProcess | null = null;

  afterAll(async () => {
    await dashboard?.kill("SIGTERM");
  });

  async function api<T>(pathname: string, init?: RequestInit): Promise<T> {
    const response = await fetch(`${dashboard!.url}${pathname}`, { ...init, headers: { ...dashboardAuth, ...(init?.headers as Record<string, string> | undefined) } });
    const body = (await response.json()) as T;
    if (!response.ok) throw new Error(`${pathname}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  }
  const post = <T>(pathname: string, body: unknown) => api<T>(pathname, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const logOf = async (id: number) => (await fetch(`${dashboard!.url}/api/builds/${id}/logs`, { headers: dashboardAuth })).text();

  // Directly on the engine's socket, the engine sees the connection close and
  // stops the build itself. Through a proxy that keeps its side open it does
  // not: only kobuild's next start stops the build then.
  it.each([
    { builder: "buildkit", via: "socket" },
    { builder: "classic", via: "socket" },
    { builder: "buildkit", via: "proxy" },
    { builder: "classic", via: "proxy" },
  ] as const)("$builder builder, engine reached through its $via: at the next start the build is interrupted and nothing of it runs on the engine", async ({ builder, via }) => {
    fs.mkdirSync(serverDir, { recursive: true });
    const label = `long-${builder}-${via}`;
    const marker = `${label}-${nonce}`;
    const proxy = via === "proxy" ? await stickyProxy(engine.socket) : null;
    const dockerHost = proxy?.host ?? engine.host;
    try {
      dashboard = await startDashboard(serverDir, PORT, { DOCKER_HOST: dockerHost });
      const workspace = await post<{ id: number }>("/api/workspaces", { name: label, path: dockerfileWorkspace(label, ticking(label, 900)), dockerfile: "Dockerfile", network: "none" });
      const build = await post<{ id: number }>("/api/builds", { workspaceId: workspace.id, builder });
      await until("ticks in the log", () => logOf(build.id), (log) => /^\[stage-0\] tick 5$/m.test(log), 120_000);

      // The build's step runs on the engine: its shell is on the host (this check can see it), and the classic builder's container is up.
      expect(processesWith(marker).length).toBeGreaterThan(0);
      const containers = () => engine.docker(["ps", "-aq"]).trim();
      if (builder === "classic") expect(containers()).not.toBe("");

      await dashboard.kill("SIGKILL");
      if (proxy) {
        // The engine did not notice: the step still runs with nobody to follow it.
        await new Promise((r) => setTimeout(r, 3000));
        expect(processesWith(marker).length).toBeGreaterThan(0);
      }
      dashboard = await startDashboard(serverDir, PORT, { DOCKER_HOST: dockerHost });

      const view = await api<{ status: string; error: string }>(`/api/builds/${build.id}`);
      expect(view).toMatchObject({ status: "interrupted", error: "the dashboard stopped while this build ran" });
      // The step had 90 s to go; it is gone within seconds, and no container is left.
      await until("the build step on the engine", () => processesWith(marker), (pids) => pids.length === 0, 20_000);
      // Its processes end first; the engine removes the container a moment later.
      await until("the build's containers", containers, (ids) => ids === "", 20_000);
      const log = await until("the note of what was stopped", () => logOf(build.id), (text) => /the dashboard stopped while this build ran; /.test(text), 20_000);
      if (builder === "buildkit") expect(log).toMatch(/; cancelled its BuildKit job kobuild-[0-9a-f]{6}-build-\d+, should it still run$/m);
      else if (proxy) expect(log).toMatch(/; removed its running build container [0-9a-f]{12}$/m);
      else expect(log).toMatch(/; (nothing of it was left on the engine|removed its (running|stopped) build container [0-9a-f]{12})$/m);
      // Nothing is left to stop at the start after.
      expect(fs.readdirSync(path.join(serverDir, "engine-work"))).toEqual([]);
    } finally {
      await dashboard?.kill("SIGTERM");
      dashboard = null;
      await proxy?.close();
    }
  }, 300_000);
});
