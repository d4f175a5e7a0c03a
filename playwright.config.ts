import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

// e2e runs against the built app (`npm run build` first), on ports of its
// own and fresh data directories, in Debian's chromium.
// Set once by the runner, so its workers (other processes) find the same directories.
process.env.KOBUILD_E2E_DIR ??= path.join(os.tmpdir(), `kobuild-e2e-${process.pid}`);
export const runDir = process.env.KOBUILD_E2E_DIR;
/** Where the signed-in admin's cookies are kept between the sign-in setup and the tests. */
export const adminState = path.join(runDir, "admin-state.json");
// KOBUILD_E2E_PORT moves both instances, so that two checkouts can run e2e side by side.
const basePort = Number(process.env.KOBUILD_E2E_PORT ?? 3100);
export const ports = { main: basePort, noEngine: basePort + 1, sso: basePort + 2, ssoProvider: basePort + 3 } as const;

function server(port: number, name: string, extra: Record<string, string> = {}, command = "npm start") {
  return {
    command,
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 300_000,
    stdout: "ignore" as const,
    stderr: "pipe" as const,
    env: {
      KOBUILD_HOST: "127.0.0.1",
      KOBUILD_PORT: String(port),
      KOBUILD_DATA_DIR: path.join(runDir, name),
      NEXT_TELEMETRY_DISABLED: "1",
      // The tests' webhook receivers listen on 127.0.0.1, which kobuild refuses by default.
      KOBUILD_WEBHOOK_ALLOW_PRIVATE: "true",
      ...extra,
    },
  };
}

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  timeout: 60_000,
  expect: { timeout: 15_000 },
  use: {
    baseURL: `http://127.0.0.1:${ports.main}`,
    trace: "retain-on-failure",
    // A wait that never ends fails at its own step, not as a bare test timeout.
    actionTimeout: 30_000,
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      // Chromium writes crash reports under the config dir: keep them out of $HOME.
      env: { ...process.env, HOME: path.join(runDir, "home"), XDG_CONFIG_HOME: path.join(runDir, "home", ".config") },
    },
  },
  projects: [
    // Signs the first admin in through the pages, as a person would after `npm run up`.
    { name: "sign-in", testMatch: /sign-in\.setup\.ts/, use: { browserName: "chromium" } },
    { name: "chromium", dependencies: ["sign-in"], use: { browserName: "chromium", storageState: adminState } },
  ],
  webServer: [
    // The main instance holds the sample, as after `npm run up`; bundles come from the machine's cache.
    server(ports.main, "main", { KOBUILD_CACHE_DIR: path.join(__dirname, "data", "cache") }, "npm run --silent sample && npm start"),
    // Same app, pointed at a socket where no engine listens.
    server(ports.noEngine, "no-engine", { DOCKER_HOST: `unix://${path.join(runDir, "no-engine.sock")}` }),
    // With single sign-on through a real OpenID Connect provider on 127.0.0.1, started by the same command.
    server(ports.sso, "sso", { KOBUILD_E2E_OIDC_PROVIDER_PORT: String(ports.ssoProvider) }, "npx tsx e2e/single-sign-on-stack.ts"),
  ],
});
