import "server-only";
import { cookies, headers } from "next/headers";
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
