// Starts the built dashboard on KOBUILD_HOST:KOBUILD_PORT. The configuration is
// checked first so a bad value stops here with one line naming the variable:
// that includes a single sign-on issuer that does not answer.
import { spawn } from "node:child_process";
import readline from "node:readline";
import { EnvError, loadEnvOrExit } from "../lib/env";
import { checkProvider } from "../lib/auth/oidc-provider";

async function main() {
  const { host, port, oidc } = loadEnvOrExit();
  if (oidc) {
    try {
      await checkProvider(oidc);
    } catch (error) {
      if (!(error instanceof EnvError)) throw error;
      console.error(`kobuild: invalid configuration: ${error.message}`);
      process.exit(1);
    }
  }

  const server = spawn(process.execPath, [require.resolve("next/dist/bin/next"), "start", "--hostname", host, "--port", String(port)], {
    stdio: ["inherit", "inherit", "pipe"],
    // kobuild answers SIGTERM itself (lib/dashboard/graceful-shutdown.ts): it drains before it exits.
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NEXT_MANUAL_SIG_HANDLE: "true" },
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
}

void main();
