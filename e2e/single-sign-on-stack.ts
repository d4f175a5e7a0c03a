// The e2e dashboard with single sign-on: a real OpenID Connect provider on
// 127.0.0.1 (started first, since the dashboard asks it for its discovery
// document at start-up), then the dashboard itself, configured to use it.
import { spawn } from "node:child_process";
import path from "node:path";
import { oidcClient, startOidcProvider } from "../test/integration/helpers/oidc-provider";

/** The provider's accounts for the e2e test: erin is in the group kobuild maps to operator, mallory in none kobuild maps. */
const ssoAccounts = { erin: { groups: ["staff", "release"] }, mallory: { groups: ["marketing"] } };

async function main() {
  const port = Number(process.env.KOBUILD_PORT);
  const providerPort = Number(process.env.KOBUILD_E2E_OIDC_PROVIDER_PORT);
  const provider = await startOidcProvider({ port: providerPort, redirectUris: [`http://127.0.0.1:${port}/api/auth/oidc/callback`], accounts: ssoAccounts });
  const dashboard = spawn(process.execPath, [path.join("node_modules", "tsx", "dist", "cli.mjs"), path.join("scripts", "start.ts")], {
    stdio: "inherit",
    env: {
      ...process.env,
      KOBUILD_OIDC_ISSUER: provider.issuer,
      KOBUILD_OIDC_CLIENT_ID: oidcClient.id,
      KOBUILD_OIDC_CLIENT_SECRET: oidcClient.secret,
      KOBUILD_OIDC_ADMIN_VALUES: "kobuild-admins",
      KOBUILD_OIDC_OPERATOR_VALUES: "release",
      KOBUILD_OIDC_VIEWER_VALUES: "staff",
      KOBUILD_OIDC_NAME: "Example SSO",
    },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => dashboard.kill(signal));
  dashboard.on("exit", (code, signal) => {
    void provider.close().then(() => process.exit(code ?? (signal ? 1 : 0)));
  });
}

void main();
