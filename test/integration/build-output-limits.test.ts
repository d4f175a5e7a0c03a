import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dashboardAuth, startDashboard, type DashboardProcess } from "./helpers/dashboard-process";
import { DOCKER } from "./helpers/driver-build";
import { groupRss } from "./helpers/process-memory";
import { freshDataDir } from "./helpers/sample-data-dir";

// What a build prints cannot take the dashboard down, and what a viewer asks
// creates nothing: the built dashboard as its own process, on the real engine.

const dataDir = freshDataDir("output-limits");
const PORT = Number(process.env.KOBUILD_E2E_PORT ?? 3440) + 2;
const nonce = randomBytes(6).toString("hex");
const tags: string[] = [];
const dashboards: DashboardProcess[] = [];
let tmpfs: string | null = null;

afterAll(async () => {
  for (const d of dashboards) await d.kill("SIGTERM");
  if (tmpfs) execFileSync("umount", [tmpfs]);
  for (const tag of tags) spawnSync(DOCKER, ["rmi", tag], { stdio: "ignore" });
});

/** A git checkout whose Dockerfile runs `script` in one RUN. */
function checkout(name: string, script: string): string {
  const dir = path.join(dataDir, "checkouts", name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "Dockerfile"), ["FROM kobuild/toolchain:bookworm-1", `RUN echo "${name} ${nonce}" && ${script}`, "RUN mkdir -p /kernel-modules /FAILURES", ""].join("\n"));
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=kobuild test", "-c", "user.email=test@kobuild.invalid", ...args], { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "master");
  git("add", ".");
  git("commit", "-qm", name);
  return dir;
}

async function start(dir: string, port: number, env: Record<string, string> = {}) {
  fs.mkdirSync(dir, { recursive: true });
  const dashboard = await startDashboard(dir, port, env);
  dashboards.push(dashboard);
  return dashboard;
}

const post = async (dashboard: DashboardProcess, pathname: string, body: unknown, auth: Record<string, string> = dashboardAuth) => {
  const response = await fetch(`${dashboard.url}${pathname}`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

type BuildView = { status: string; error: string | null; warnings: string[] };

async function waitForEnd(dashboard: DashboardProcess, id: number, onTick: () => void = () => {}): Promise<BuildView> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    onTick();
    const view = (await (await fetch(`${dashboard.url}/api/builds/${id}`, { headers: dashboardAuth })).json()) as BuildView;
    if (!["queued", "running"].includes(view.status)) return view;
    if (Date.now() > deadline) throw new Error(`build ${id} did not end`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("a build that prints without bound", () => {
  it("keeps 64 KiB of a 256 MiB line and at most KOBUILD_MAX_LOG_BYTES of log, warns, drains the engine's stream, and succeeds", async () => {
    const dashboard = await start(path.join(dataDir, "big"), PORT, { KOBUILD_MAX_LOG_BYTES: String(1024 * 1024) });
    const dir = checkout("big-output", `head -c 268435456 /dev/zero | tr -c a a && echo && seq 1 100000 | sed 's/^/line /' && echo "the last line ${nonce}"`);
    const workspace = await post(dashboard, "/api/workspaces", { name: "big-output", path: dir, dockerfile: "Dockerfile", network: "none" });
    expect(workspace.status).toBe(201);
    // The classic builder: BuildKit of Docker 20.10 stops sending a step's output after a very large log (kobuild warns of that fault), and what comes after the line is the point here.
    const build = await post(dashboard, "/api/builds", { workspaceId: workspace.body.id, builder: "classic" });
    expect(build.status).toBe(201);
    if (build.body.tag) tags.push(String(build.body.tag));
    const before = groupRss(dashboard.child.pid!);
    let peak = before;
    const done = await waitForEnd(dashboard, Number(build.body.id), () => (peak = Math.max(peak, groupRss(dashboard.child.pid!))));

    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    expect(done.warnings.some((w) => w.includes("KOBUILD_MAX_LOG_BYTES"))).toBe(true);
    const lines = (await (await fetch(`${dashboard.url}/api/builds/${build.body.id}/logs?format=ndjson`, { headers: dashboardAuth })).text())
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { text: string; stream: number });
    const cut = lines.filter((l) => l.text.endsWith(" … [kobuild: line cut at 64 KiB]"));
    expect(cut).toHaveLength(1);
    expect(cut[0]!.text).toBe(`${"a".repeat(64 * 1024)} … [kobuild: line cut at 64 KiB]`);
    const output = lines.filter((l) => l.stream !== 0).reduce((n, l) => n + Buffer.byteLength(l.text), 0);
    expect(output).toBeLessThanOrEqual(1024 * 1024);
    expect(lines.some((l) => l.text.includes("later output of the build was not stored"))).toBe(true);
    expect(lines.some((l) => l.text === `the last line ${nonce}`)).toBe(false);
    // The line was never held whole: far less than its 256 MiB came and stayed.
    expect(peak - before).toBeLessThan(128 * 1024 * 1024);
  });

  it("fails with the full disk as its reason when the log cannot be stored, instead of staying running", async () => {
    tmpfs = path.join(dataDir, "small-disk");
    fs.mkdirSync(tmpfs, { recursive: true });
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=12m,mode=0700", "tmpfs", tmpfs]);
    // The database on the small disk; the dashboard's own output beside this test's files.
    const dashboard = await start(path.join(dataDir, "small-disk-log"), PORT + 1, { KOBUILD_DATA_DIR: tmpfs });
    const dir = checkout("disk-filler", `seq 1 3000000 | sed 's/^/a line of output that fills the disk, number /'`);
    const workspace = await post(dashboard, "/api/workspaces", { name: "disk-filler", path: dir, dockerfile: "Dockerfile", network: "none" });
    // The classic builder: BuildKit of Docker 20.10 may stop sending a large log, and then the disk never fills.
    const build = await post(dashboard, "/api/builds", { workspaceId: workspace.body.id, builder: "classic" });
    expect(build.status).toBe(201);
    const done = await waitForEnd(dashboard, Number(build.body.id));
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/^the disk is full: the build's (log|records) could not be stored \(SQLITE_FULL\)/);
    // The dashboard still answers.
    expect((await fetch(`${dashboard.url}/api/health`)).status).toBe(200);
  });
});

describe("a viewer's requests", () => {
  it("create nothing: the image listing looks into no image, a driver download and the plan preview are refused", async () => {
    const dashboard = dashboards[0]!;
    const viewer = await post(dashboard, "/api/users", { name: "vera", role: "viewer" });
    const operator = await post(dashboard, "/api/users", { name: "otto", role: "operator" });
    const tokenOf = async (user: string) => ({ authorization: `Bearer ${(await post(dashboard, "/api/tokens", { name: user, user })).body.token as string}` });
    const [asViewer, asOperator] = [await tokenOf(String(viewer.body.name)), await tokenOf(String(operator.body.name))];
    // A tagged driver image kobuild has not looked into yet.
    const unread = `kobuild-test-hardening-${nonce}/collector-drivers:unread`;
    execFileSync(DOCKER, ["tag", "kobuild/collector-drivers:empty", unread]);
    tags.push(unread);
    const imageRecords = async () => ((await (await fetch(`${dashboard.url}/api/images`, { headers: dashboardAuth })).json()) as { images: unknown[] }).images.length;
    const recordsBefore = await imageRecords();
    const since = Math.floor(Date.now() / 1000);

    const viewerList = (await (await fetch(`${dashboard.url}/api/images?source=all`, { headers: asViewer })).json()) as { unchecked: number; images: { refs: string[] }[] };
    expect(viewerList.unchecked).toBeGreaterThan(0);
    expect(viewerList.images.some((i) => i.refs.includes(unread))).toBe(false);
    const download = await fetch(`${dashboard.url}/api/images/1/driver/download?kernel=x&moduleVersion=y&flavour=mod`, { headers: asViewer });
    expect(download.status).toBe(403);
    expect(((await download.json()) as { error: string }).error).toBe("vera is a viewer; this needs the operator role");
    expect((await post(dashboard, "/api/builds/plan", { workspaceId: 1 }, asViewer)).status).toBe(403);
    expect(await imageRecords()).toBe(recordsBefore);
    const probes = execFileSync(
      DOCKER,
      ["events", "--since", String(since), "--until", String(Math.floor(Date.now() / 1000) + 1), "--filter", "type=container", "--filter", "event=create", "--filter", "label=org.kobuild.role=probe-driver-image", "--format", "{{.Actor.ID}}"],
      { encoding: "utf8" },
    );
    expect(probes.trim()).toBe("");

    // An operator's listing looks into it, as before.
    const operatorList = (await (await fetch(`${dashboard.url}/api/images?source=all`, { headers: asOperator })).json()) as { unchecked: number; images: { refs: string[] }[] };
    expect(operatorList.unchecked).toBe(0);
    expect(operatorList.images.some((i) => i.refs.includes(unread))).toBe(true);
  });
});
