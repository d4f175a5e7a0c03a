import fs from "node:fs";
import path from "node:path";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardAuth, startDashboard, type DashboardProcess } from "./helpers/dashboard-process";
import { bundlesDir } from "./helpers/driver-build";
import { until } from "./helpers/until";
import { freshDataDir, makeSampleWorkspace } from "./helpers/sample-data-dir";

// The built dashboard as an operator runs it (`npm start`): scraped by
// Prometheus with its token, read through its JSON log lines, and stopped with
// SIGTERM while a build runs.
const dataDir = freshDataDir("operating");
const serverDir = path.join(dataDir, "dashboard");
const PORT = Number(process.env.KOBUILD_E2E_PORT ?? 3100) + 40;
const METRICS_TOKEN = `metrics-${"k".repeat(40)}`;
const GRACE_SECONDS = 2;
const REGISTRY_PASSWORD = `registry-password-${process.pid}-${Date.now()}`;
const REDHAT_PASSWORD = `redhat-password-${process.pid}-${Date.now()}`;

const { openDb } = await import("@/lib/db/client");
const { importSample } = await import("@/lib/workspace/import-sample");

let dashboard: DashboardProcess;
let workspaceId = 0;

type View = { id: number; status: string; error: string | null };
type LogLine = Record<string, unknown> & { level: string; msg: string };

async function api<T>(pathname: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${dashboard.url}${pathname}`, { ...init, headers: { ...dashboardAuth, "content-type": "application/json", ...(init?.headers as Record<string, string> | undefined) } });
  const body = (await response.json()) as T;
  if (!response.ok) throw new Error(`${pathname}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** kobuild's lines of the dashboard's output, parsed (Next prints a few lines of its own at start). */
function logLines(): LogLine[] {
  return fs
    .readFileSync(dashboard.log, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LogLine);
}

const scrape = (headers: Record<string, string> = { authorization: `Bearer ${METRICS_TOKEN}` }) => fetch(`${dashboard.url}/metrics`, { headers });



beforeAll(async () => {
  fs.mkdirSync(serverDir, { recursive: true });
  const workspacePath = makeSampleWorkspace(serverDir);
  fs.appendFileSync(path.join(workspacePath, "kernel-modules/probe/main.c"), `/* operating test ${process.pid} ${Date.now()} */\n`);
  workspaceId = (await importSample({ workspacePath, bundleDir: bundlesDir, db: openDb(serverDir), dataDir: serverDir })).workspace.id;
  dashboard = await startDashboard(serverDir, PORT, { KOBUILD_METRICS_TOKEN: METRICS_TOKEN, KOBUILD_SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS), KOBUILD_LOG_LEVEL: "info" });
}, 300_000);

afterAll(async () => {
  await dashboard?.kill("SIGKILL");
});

const buildOptions = { workspaceId: 0, branch: "master", checkoutBeforePatching: false, buildJobs: 1, legacyProbes: true };

describe("an operated dashboard", () => {
  let built: View;

  it("counts a finished build in /metrics, which only the scraper's token may read", async () => {
    built = await api<View>("/api/builds", { method: "POST", body: JSON.stringify({ ...buildOptions, workspaceId, redhatUsername: "someone", redhatPassword: REDHAT_PASSWORD }) });
    const ended = await until("the sample build's end", () => api<View>(`/api/builds/${built.id}`), (v) => !["queued", "running"].includes(v.status), 300_000, 1000);
    // The sample holds a module that does not build for an old kernel: the build is partial, or succeeded where that kernel is left out.
    expect(["succeeded", "partial"]).toContain(ended.status);

    expect((await scrape({})).status).toBe(401);
    expect((await scrape({ authorization: `Bearer ${METRICS_TOKEN}x` })).status).toBe(401);
    // A user's API token is no scraper's token when one is set.
    expect((await scrape(dashboardAuth)).status).toBe(401);
    const response = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = new Map(parsePrometheusTextFormat(await response.text()).map((f) => [f.name, f]));

    const builds = families.get("kobuild_builds_total")!;
    expect(builds.type).toBe("COUNTER");
    expect(builds.metrics).toEqual([{ labels: { kind: "drivers", status: ended.status }, value: "1" }]);

    // The parser folds a labelled histogram's buckets into one map (and drops its _count and _sum): buckets and their bounds are what it tells.
    for (const name of ["kobuild_build_duration_seconds", "kobuild_stage_duration_seconds"]) {
      const histogram = families.get(name)!;
      expect(histogram.type, name).toBe("HISTOGRAM");
      const buckets = histogram.metrics[0]!.buckets!;
      expect(Object.keys(buckets), name).toEqual(expect.arrayContaining(["0.1", "60", "3600", "+Inf"]));
      expect(Number(buckets["+Inf"]), name).toBeGreaterThan(0);
    }
    expect(Number(families.get("kobuild_log_lines_stored_total")!.metrics[0]!.value)).toBeGreaterThan(0);
    expect(families.get("kobuild_engine_up")!.metrics).toContainEqual({ labels: { engine: "default" }, value: "1" });
    expect(families.get("kobuild_running_builds")!.metrics).toContainEqual({ labels: { engine: "default" }, value: "0" });
    expect(families.get("kobuild_queued_builds")!.metrics).toContainEqual({ labels: { engine: "default" }, value: "0" });
    expect(families.get("kobuild_event_stream_subscribers")!.type).toBe("GAUGE");
    expect(families.has("kobuild_process_resident_memory_bytes")).toBe(true);
  });

  it("logs JSON lines: each request under the request id it answers with, each build event with its build and engine, and no secret", async () => {
    const asked = await fetch(`${dashboard.url}/api/builds/${built.id}`, { headers: { ...dashboardAuth, "x-request-id": "trace-0123456789" } });
    expect(asked.headers.get("x-request-id")).toBe("trace-0123456789");
    const made = await fetch(`${dashboard.url}/api/health`);
    const madeId = made.headers.get("x-request-id")!;
    expect(madeId).toMatch(/^[0-9a-f-]{36}$/);
    // A registry that does not answer: the password travels through the door, the domain and its error.
    const registry = await fetch(`${dashboard.url}/api/registries`, {
      method: "POST",
      headers: { ...dashboardAuth, "content-type": "application/json" },
      body: JSON.stringify({ name: "nowhere", url: `127.0.0.1:${PORT + 1}`, username: "robot", password: REGISTRY_PASSWORD }),
    });
    const registryId = registry.headers.get("x-request-id")!;
    // Past the door: the registry was asked (nothing answers there), not the body refused.
    expect(registry.status).toBeGreaterThan(400);

    const lines = await until("the request lines", () => logLines(), (l) => l.some((line) => line.requestId === registryId && line.msg === "request"), 10_000);
    expect(lines.find((l) => l.requestId === "trace-0123456789" && l.msg === "request")).toMatchObject({ level: "info", method: "GET", path: `/api/builds/${built.id}`, status: 200 });
    expect(lines.find((l) => l.requestId === registryId && l.msg === "request")).toMatchObject({ method: "POST", path: "/api/registries", status: registry.status });
    const started = lines.find((l) => l.msg === "build started" && l.buildId === built.id);
    expect(started).toMatchObject({ level: "info", engineId: "default", kind: "drivers" });
    expect(lines.find((l) => l.msg === "build ended" && l.buildId === built.id)).toMatchObject({ engineId: "default", kind: "drivers", status: (await api<View>(`/api/builds/${built.id}`)).status });

    const text = fs.readFileSync(dashboard.log, "utf8");
    expect(text).not.toContain(REGISTRY_PASSWORD);
    expect(text).not.toContain(REDHAT_PASSWORD);
    expect(text).not.toContain(dashboardAuth.authorization.slice("Bearer ".length));
    expect(text).not.toContain(METRICS_TOKEN);
  });

  it("on SIGTERM refuses new builds, ends live streams, and marks the build still running after the grace interrupted, then exits 0", async () => {
    const running = await api<View>("/api/builds", { method: "POST", body: JSON.stringify({ ...buildOptions, workspaceId, noCache: true }) });
    await until("the build running", () => api<View>(`/api/builds/${running.id}`), (v) => v.status === "running", 120_000);
    const events = await fetch(`${dashboard.url}/api/builds/${running.id}/events`, { headers: dashboardAuth });
    const reader = events.body!.getReader();
    await reader.read();

    const exited = new Promise<{ code: number | null; at: number }>((resolve) => dashboard.child.once("exit", (code) => resolve({ code, at: Date.now() })));
    const signalledAt = Date.now();
    // The server alone, as an orchestrator's stop signal reaches it through `npm start`.
    dashboard.child.kill("SIGTERM");

    // While it drains, a new build is refused and says when to come back.
    await until("the line that says it stops", () => logLines(), (l) => l.some((line) => line.msg.startsWith("stopping")), GRACE_SECONDS * 1000, 50);
    const refused = await fetch(`${dashboard.url}/api/builds`, { method: "POST", headers: { ...dashboardAuth, "content-type": "application/json" }, body: JSON.stringify({ ...buildOptions, workspaceId }) });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: "shutting_down" });
    expect(refused.headers.get("retry-after")).toBe("30");
    // The live stream ended cleanly (the browser reconnects to the next process).
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }

    const { code, at } = await exited;
    expect(code).toBe(0);
    // Bounded by the grace and the start-up of nothing: well within a minute.
    expect(at - signalledAt).toBeLessThan((GRACE_SECONDS + 30) * 1000);

    const db = openDb(serverDir);
    const row = db.$client.prepare("select status, error from builds where id = ?").get(running.id) as { status: string; error: string };
    expect(row).toEqual({ status: "interrupted", error: "the dashboard stopped while this build ran" });
    // Nothing else was taken meanwhile: only the two builds exist.
    expect((db.$client.prepare("select count(*) as n from builds").get() as { n: number }).n).toBe(2);

    const lines = logLines();
    expect(lines.find((l) => l.msg.startsWith("stopping"))).toMatchObject({ level: "info", signal: "SIGTERM", graceSeconds: GRACE_SECONDS });
    expect(lines.find((l) => l.msg.startsWith("build interrupted"))).toMatchObject({ level: "warn", buildId: running.id });
    expect(lines.at(-1)).toMatchObject({ msg: "stopped" });
  });
});
