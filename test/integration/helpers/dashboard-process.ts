import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "./driver-build";

/**
 * The built dashboard (`next build` must have run) as its own process group
 * on `dataDir`: what `npm start` runs, so that a test can kill it as a crash
 * or the OOM killer would, every process of it at once.
 */
/** The dashboards' admin API token (their KOBUILD_ADMIN_TOKEN), and the header that carries it. */
export const dashboardToken = `kbt_test_${randomBytes(24).toString("base64url")}`;
export const dashboardAuth = { authorization: `Bearer ${dashboardToken}` } as const;

export type DashboardProcess = { url: string; child: ChildProcess; log: string; kill: (signal: NodeJS.Signals) => Promise<void> };

export async function startDashboard(dataDir: string, port: number, extraEnv: Record<string, string>): Promise<DashboardProcess> {
  if (!fs.existsSync(path.join(repoRoot, ".next", "BUILD_ID"))) throw new Error("the dashboard is not built: run `npx next build` first");
  const log = path.join(dataDir, `dashboard-${Date.now()}.log`);
  const out = fs.openSync(log, "a");
  const child = spawn(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), "scripts/start.ts"], {
    cwd: repoRoot,
    env: { ...process.env, KOBUILD_ADMIN_TOKEN: dashboardToken, KOBUILD_DATA_DIR: dataDir, KOBUILD_PORT: String(port), KOBUILD_HOST: "127.0.0.1", ...extraEnv },
    stdio: ["ignore", out, out],
    detached: true,
  });
  fs.closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the dashboard exited with ${child.exitCode}:\n${fs.readFileSync(log, "utf8").slice(-3000)}`);
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`the dashboard did not answer on ${url}:\n${fs.readFileSync(log, "utf8").slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    log,
    kill: async (signal) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      // The whole group: the start script, next and its workers.
      process.kill(-child.pid!, signal);
      await exited;
      // The group's other processes may take a moment longer to go.
      for (let i = 0; i < 50 && groupAlive(child.pid!); i++) await new Promise((r) => setTimeout(r, 100));
    },
  };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
