// Starts the built dashboard on KOBUILD_HOST:KOBUILD_PORT. The configuration is
// checked first so a bad value stops here with one line naming the variable.
import { spawn } from "node:child_process";
import readline from "node:readline";
import { loadEnvOrExit } from "../lib/env";

const { host, port } = loadEnvOrExit();

const server = spawn(process.execPath, [require.resolve("next/dist/bin/next"), "start", "--hostname", host, "--port", String(port)], {
  stdio: ["inherit", "inherit", "pipe"],
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
});

// The build also writes the standalone server the container image runs; `next
// start` serves the same build and works, but warns that it would not.
const standaloneWarning = /"next start" does not work with "output: standalone"/;
readline.createInterface({ input: server.stderr! }).on("line", (line) => {
  if (!standaloneWarning.test(line)) process.stderr.write(`${line}\n`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => server.kill(signal));
}
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
