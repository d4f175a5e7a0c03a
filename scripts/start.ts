// Starts the built dashboard on KOBUILD_HOST:KOBUILD_PORT. The configuration is
// checked first so a bad value stops here with one line naming the variable:
// that includes a single sign-on issuer that does not answer.
import { spawn } from "node:child_process";
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
    stdio: "inherit",
    // kobuild answers SIGTERM itself (lib/dashboard/graceful-shutdown.ts): it drains before it exits.
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NEXT_MANUAL_SIG_HANDLE: "true" },
  });

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => server.kill(signal));
  }
  server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

void main();
