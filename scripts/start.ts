// Starts the built dashboard on KOBUILD_HOST:KOBUILD_PORT. The configuration is
// checked first so a bad value stops here with one line naming the variable.
import { spawn } from "node:child_process";
import { loadEnvOrExit } from "../lib/env";

const { host, port } = loadEnvOrExit();

const server = spawn(process.execPath, [require.resolve("next/dist/bin/next"), "start", "--hostname", host, "--port", String(port)], {
  stdio: "inherit",
  // kobuild answers SIGTERM itself (lib/dashboard/graceful-shutdown.ts): it drains before it exits.
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NEXT_MANUAL_SIG_HANDLE: "true" },
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => server.kill(signal));
}
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
