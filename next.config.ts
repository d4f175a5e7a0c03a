import type { NextConfig } from "next";
import { loadEnvOrExit } from "./lib/env";
import { API_CONTENT_SECURITY_POLICY, COMMON_SECURITY_HEADERS } from "./lib/http/security-headers";

// Validate the configuration before anything else runs: a bad value stops
// `next build` and `next start` with one line that names the variable.
loadEnvOrExit();

const nextConfig: NextConfig = {
  // .next/standalone: the server with only the node_modules it uses, what the container image runs.
  output: "standalone",
  // Native addons (better-sqlite3, ssh2 through dockerode) must stay outside the bundle, and gRPC with them (its HTTP/2 server serves BuildKit sessions).
  // pino and prom-client keep one logger and one registry per process, not per bundle.
  serverExternalPackages: ["better-sqlite3", "dockerode", "@grpc/grpc-js", "ssh2", "cpu-features", "protobufjs", "pino", "prom-client"],
  poweredByHeader: false,
  typedRoutes: false,
  // forbidden() in page guards: a signed-in user whose role is too small gets a 403 page that says so, not an error page.
  experimental: { authInterrupts: true },
  async headers() {
    return [
      { source: "/:path*", headers: COMMON_SECURITY_HEADERS },
      // Pages get theirs, with a nonce, from proxy.ts.
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }] },
    ];
  },
};

export default nextConfig;
