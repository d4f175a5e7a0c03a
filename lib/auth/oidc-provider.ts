import * as oidc from "openid-client";
import { EnvError, isLoopbackUrl, type OidcSettings } from "@/lib/env";

// The OpenID Connect provider kobuild signs people in with, as its discovery
// document describes it. Free of server-only code: scripts/start.ts asks it
// before the server starts, so an issuer that does not answer stops start-up.

/** Seconds a discovery request may take, at start-up and when a sign-in needs it again. */
const DISCOVERY_TIMEOUT_SECONDS = 10;

/** The provider's configuration for this client (issuer checked against the document's own). */
export function discoverProvider(settings: OidcSettings): Promise<oidc.Configuration> {
  // http:// only reaches an issuer on this machine (lib/env.ts refuses it elsewhere).
  const insecure = settings.issuer.startsWith("http://") && isLoopbackUrl(settings.issuer);
  return oidc.discovery(new URL(settings.issuer), settings.clientId, undefined, oidc.ClientSecretBasic(settings.clientSecret), {
    timeout: DISCOVERY_TIMEOUT_SECONDS,
    ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
  });
}

/** For start-up: the provider answers discovery, or an EnvError naming KOBUILD_OIDC_ISSUER says why not. */
export async function checkProvider(settings: OidcSettings): Promise<void> {
  try {
    const config = await discoverProvider(settings);
    const metadata = config.serverMetadata();
    if (!metadata.authorization_endpoint || !metadata.token_endpoint) throw new Error("its discovery document names no authorization or token endpoint");
  } catch (error) {
    throw new EnvError("KOBUILD_OIDC_ISSUER", `does not answer as an OpenID Connect provider: ${reasonOf(error)}`, settings.issuer);
  }
}

/** One line for a failed discovery: the library's message and its cause's (a refused connection, a timeout). */
function reasonOf(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error && parts.length < 3; e = e.cause) parts.push(e.message);
  return (parts.join(": ") || String(error)).replace(/\s+/g, " ");
}
