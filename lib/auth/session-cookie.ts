import "server-only";
import { cookies, headers } from "next/headers";
import { OIDC_FLOW_COOKIE, OIDC_FLOW_SECONDS, OIDC_PATH } from "./oidc-sign-in";
import { createSession, endSession, SESSION_COOKIE } from "./sessions";

/** Starts a session and hands the browser its cookie: HTTP-only, SameSite=Lax, Secure behind HTTPS. */
export async function startBrowserSession(userId: number) {
  const { token, expiresAt } = createSession(userId);
  const https = (await headers()).get("x-forwarded-proto") === "https";
  (await cookies()).set(SESSION_COOKIE, token, { httpOnly: true, sameSite: "lax", secure: https, path: "/", expires: expiresAt });
}

export async function endBrowserSession() {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  if (token) endSession(token);
  jar.delete(SESSION_COOKIE);
}

/** The sealed single sign-on flow, for the callback only, for as long as a person may take at the provider. */
export async function setOidcFlowCookie(sealed: string) {
  const https = (await headers()).get("x-forwarded-proto") === "https";
  (await cookies()).set(OIDC_FLOW_COOKIE, sealed, { httpOnly: true, sameSite: "lax", secure: https, path: OIDC_PATH, maxAge: OIDC_FLOW_SECONDS });
}

/** The flow cookie's value, removed from the browser: a flow is used once. */
export async function takeOidcFlowCookie(): Promise<string | undefined> {
  const jar = await cookies();
  const value = jar.get(OIDC_FLOW_COOKIE)?.value;
  if (value !== undefined) jar.set(OIDC_FLOW_COOKIE, "", { httpOnly: true, sameSite: "lax", path: OIDC_PATH, maxAge: 0 });
  return value;
}
