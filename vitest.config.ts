import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = {
  "@": path.resolve(__dirname),
  // `server-only` throws outside React's server build; tests run lib/ code directly.
  "server-only": path.resolve(__dirname, "test/server-only-stub.ts"),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: "unit", include: ["lib/**/*.test.ts", "components/**/*.test.ts", "cli/**/*.test.ts"], environment: "node" },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          setupFiles: ["test/integration/start-build-runner.ts"],
          // The tests' webhook receivers listen on 127.0.0.1, which kobuild refuses by default;
          // dashboards the tests start inherit it. webhook-addresses.test.ts turns it off.
          env: { KOBUILD_WEBHOOK_ALLOW_PRIVATE: "true" },
          environment: "node",
          testTimeout: 600_000,
          hookTimeout: 900_000,
          // Docker builds share one engine and two cores: run files one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
