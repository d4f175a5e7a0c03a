import "server-only";
import { addressWithoutPassword } from "@/lib/docker/engine";
import { env } from "@/lib/env";

/** The configuration as the Settings page shows it: every value here is safe to display. */
export function describeConfig() {
  const e = env();
  return [
    { name: "KOBUILD_DATA_DIR", value: e.dataDir, meaning: "database, bundles, logs and workspaces" },
    { name: "KOBUILD_HOST", value: e.host, meaning: "address the dashboard listens on" },
    { name: "KOBUILD_PORT", value: String(e.port), meaning: "port the dashboard listens on" },
    { name: "DOCKER_HOST", value: addressWithoutPassword(e.dockerHost), meaning: "the Docker engine builds run on" },
    { name: "DOCKER_TLS_VERIFY", value: e.dockerTlsVerify ? "1" : "0", meaning: "verify the engine's TLS certificate" },
    { name: "KOBUILD_SSH_CONFIG", value: e.sshConfig ?? "", meaning: "ssh_config for ssh:// engines and workspace remotes (empty: ~/.ssh/config)" },
    { name: "KOBUILD_GIT_TIMEOUT_SECONDS", value: String(e.gitTimeoutSeconds), meaning: "longest a clone or fetch of a workspace's remote may take" },
    { name: "KOBUILD_CONTEXT_STALL_SECONDS", value: String(e.contextStallSeconds), meaning: "longest an engine may take no bytes of a build context before the build fails" },
    { name: "KOBUILD_MAX_BUNDLE_BYTES", value: String(e.maxBundleBytes), meaning: "largest bundle upload accepted, compressed" },
    { name: "KOBUILD_BUILDS_PER_ENGINE", value: String(e.buildsPerEngine), meaning: "builds that run at once on the engine" },
    { name: "KOBUILD_PUBLIC_URL", value: e.publicUrl, meaning: "the dashboard's address in webhook messages' links" },
    { name: "KOBUILD_WEBHOOK_RETRY_SECONDS", value: e.webhookRetrySeconds.join(","), meaning: "seconds before each retry of a failed webhook delivery" },
    // Single sign-on: where and how, never the client secret.
    { name: "KOBUILD_OIDC_ISSUER", value: e.oidc?.issuer ?? "", meaning: "the OpenID Connect provider people sign in with (empty: passwords only)" },
    ...(e.oidc
      ? [
          { name: "KOBUILD_OIDC_CLIENT_ID", value: e.oidc.clientId, meaning: "kobuild's client id at the provider" },
          { name: "KOBUILD_OIDC_ROLE_CLAIM", value: e.oidc.roleClaim, meaning: "the claim whose values give the role" },
          ...(["admin", "operator", "viewer"] as const).map((role) => ({
            name: `KOBUILD_OIDC_${role.toUpperCase()}_VALUES`,
            value: e.oidc!.roleValues[role].join(","),
            meaning: `claim values that make a user ${role === "admin" ? "an" : "a"} ${role}`,
          })),
        ]
      : []),
  ];
}
