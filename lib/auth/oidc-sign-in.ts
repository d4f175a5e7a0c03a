import "server-only";
import * as oidc from "openid-client";
import { DomainError } from "@/lib/domain-error";
import { env, type OidcSettings } from "@/lib/env";
import { recordAudit } from "./audit";
import { discoverProvider } from "./oidc-provider";
import { roleFromClaims } from "./oidc-role";
import { getSecretBox } from "./secret-box";
import { userOfIdentity, type User } from "./users";

// Sign-in through an OpenID Connect provider: the authorization code flow with
// PKCE. What the callback must check (state, nonce, the PKCE verifier, where
// to go next) rides in a sealed, short-lived cookie, so nothing is stored
// until a sign-in succeeds.

export const OIDC_FLOW_COOKIE = "kobuild_oidc_flow";
/** The flow cookie is sent to these routes only. */
export const OIDC_PATH = "/api/auth/oidc";
export const OIDC_CALLBACK_PATH = `${OIDC_PATH}/callback`;
/** How long a person may take at the provider. */
export const OIDC_FLOW_SECONDS = 600;
const FLOW_CONTEXT = "kobuild oidc sign-in flow";

type Flow = { state: string; nonce: string; verifier: string; next: string; redirectUri: string; expiresAt: number };

const holder = globalThis as unknown as { kobuildOidcProvider?: { issuer: string; config: Promise<oidc.Configuration> } };

/** The provider's configuration, discovered once per process (again after a failure). */
function provider(settings: OidcSettings): Promise<oidc.Configuration> {
  if (holder.kobuildOidcProvider?.issuer !== settings.issuer) {
    const config = discoverProvider(settings);
    holder.kobuildOidcProvider = { issuer: settings.issuer, config };
    config.catch(() => {
      if (holder.kobuildOidcProvider?.config === config) delete holder.kobuildOidcProvider;
    });
  }
  return holder.kobuildOidcProvider!.config;
}

function settingsOrRefuse(): OidcSettings {
  const settings = env().oidc;
  if (!settings) throw new DomainError("not_found", "single sign-on is not configured on this dashboard");
  return settings;
}

/** Only paths of this dashboard: a sign-in never sends the browser elsewhere. */
export function sameOriginPath(next: string | null | undefined): string {
  return next && /^\/(?![/\\])[\w\-./?=&%~+]*$/.test(next) && !next.startsWith("/api/") ? next : "/";
}

/** The address the provider sends people back to: KOBUILD_PUBLIC_URL's, else the one the request came to. */
export function callbackUrl(requestOrigin: string): string {
  const e = env();
  return `${e.publicUrlConfigured ? e.publicUrl : requestOrigin}${OIDC_CALLBACK_PATH}`;
}

/** Where to send the browser to sign in at the provider, and the sealed flow the callback will check. */
export async function beginOidcSignIn({ requestOrigin, next }: { requestOrigin: string; next: string | null }): Promise<{ location: string; flow: string }> {
  const settings = settingsOrRefuse();
  const config = await reachProvider(settings);
  const verifier = oidc.randomPKCECodeVerifier();
  const flow: Flow = {
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    verifier,
    next: sameOriginPath(next),
    redirectUri: callbackUrl(requestOrigin),
    expiresAt: Date.now() + OIDC_FLOW_SECONDS * 1000,
  };
  const location = oidc.buildAuthorizationUrl(config, {
    redirect_uri: flow.redirectUri,
    scope: settings.scopes,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state: flow.state,
    nonce: flow.nonce,
  });
  return { location: location.href, flow: getSecretBox().seal(JSON.stringify(flow), FLOW_CONTEXT) };
}

/**
 * The provider sent the browser back: the flow cookie must be this browser's
 * and fresh, the state must match it, the code is exchanged (with the PKCE
 * verifier and the client secret) and the ID token checked (issuer, audience,
 * signature, nonce). The role comes from the claim at every sign-in; a claim
 * that maps to no role is refused (403), never taken for a viewer.
 */
export async function finishOidcSignIn({ query, flowCookie }: { query: URLSearchParams; flowCookie: string | undefined }): Promise<{ user: User; next: string }> {
  const settings = settingsOrRefuse();
  const flow = openFlow(flowCookie);
  const providerError = query.get("error");
  if (providerError && query.get("state") === flow.state) {
    throw new DomainError("unauthorized", `${settings.name} did not sign you in: ${query.get("error_description") ?? providerError}`);
  }
  const config = await reachProvider(settings);
  let tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
  try {
    tokens = await oidc.authorizationCodeGrant(config, new URL(`${flow.redirectUri}?${query}`), {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
  } catch (error) {
    throw refusedResponse(error);
  }
  const idClaims = tokens.claims()!;
  let claims: Record<string, unknown> = { ...idClaims };
  // Many providers put groups and names in the userinfo answer, not in the ID token.
  if (config.serverMetadata().userinfo_endpoint) {
    try {
      claims = { ...(await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub)), ...idClaims };
    } catch (error) {
      throw refusedResponse(error);
    }
  }
  const name = firstString(claims.preferred_username, claims.email, claims.name) ?? idClaims.sub;
  const role = roleFromClaims(claims, settings);
  if (!role) {
    recordAudit({ actor: name, action: `sign in with ${settings.name} refused: no ${settings.roleClaim} value maps to a role` });
    throw new DomainError("forbidden", `${name} signed in at ${settings.name}, but none of their ${settings.roleClaim} values is one kobuild gives a role to. Ask an admin to add you to a group that kobuild maps to viewer, operator or admin.`);
  }
  const user = userOfIdentity({ issuer: idClaims.iss, subject: idClaims.sub, name, role });
  if (user.disabledAt) {
    recordAudit({ actor: user.name, action: `sign in with ${settings.name} refused: user disabled` });
    throw new DomainError("forbidden", `${user.name} is disabled on this dashboard: an admin can enable them again`);
  }
  recordAudit({ actor: user.name, action: `sign in with ${settings.name} as ${role}` });
  return { user, next: flow.next };
}

function openFlow(sealed: string | undefined): Flow {
  const stale = new DomainError("bad_request", "this sign-in was not started in this browser, was already used, or took longer than 10 minutes: start it again from the sign-in page");
  if (!sealed) throw stale;
  let flow: Flow;
  try {
    flow = JSON.parse(getSecretBox().open(sealed, FLOW_CONTEXT)) as Flow;
  } catch {
    throw stale;
  }
  if (!(flow.expiresAt > Date.now())) throw stale;
  return flow;
}

async function reachProvider(settings: OidcSettings): Promise<oidc.Configuration> {
  try {
    return await provider(settings);
  } catch (error) {
    throw new DomainError("bad_gateway", `${settings.name} (${settings.issuer}) did not answer: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The provider's answer did not check out (a tampered state, a wrong nonce, a refused code): 400; the provider unreachable: 502. */
function refusedResponse(error: unknown): DomainError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof oidc.ClientError || error instanceof oidc.ResponseBodyError || error instanceof oidc.AuthorizationResponseError || error instanceof oidc.WWWAuthenticateChallengeError) {
    return new DomainError("bad_request", `the sign-in could not be completed: ${message}`);
  }
  return new DomainError("bad_gateway", `the provider did not answer: ${message}`);
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === "string" && v.trim() !== "");
}
