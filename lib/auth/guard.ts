import "server-only";
import { ApiError } from "@/lib/http/api-error";
import { userOfApiToken } from "./api-tokens";
import { aRole, hasRole, type Role } from "./roles";
import { SESSION_COOKIE, userOfSession } from "./sessions";

// The one place that decides who is asking and whether they may: route
// handlers (through lib/http/route.ts), pages and server actions all call it.

export type Principal = {
  userId: number;
  name: string;
  role: Role;
  via: "session" | "token";
  /** The cookie's or token's value, kept on the server only: a long answer (an event stream) asks again whether it still holds. */
  credential: string;
};

/** A cookie's value; null when it is missing or not validly encoded (a malformed cookie is nobody, not an error). */
function cookieValue(header: string | null, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join("="));
    } catch {
      return null;
    }
  }
  return null;
}

/** Who sends these headers: an API token (`Authorization: Bearer`) or a session cookie; null for nobody. */
export function principalOf(headers: Headers): Principal | null {
  const auth = headers.get("authorization");
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth.trim());
    const user = m ? userOfApiToken(m[1]!) : null;
    return user ? { userId: user.id, name: user.name, role: user.role, via: "token", credential: m![1]! } : null;
  }
  const session = cookieValue(headers.get("cookie"), SESSION_COOKIE);
  const user = session ? userOfSession(session) : null;
  return user ? { userId: user.id, name: user.name, role: user.role, via: "session", credential: session! } : null;
}

/**
 * Whether a principal found earlier still holds `needed`: its session not
 * ended, idle or expired, its token not revoked, its user not disabled. Asked
 * without counting as use, so an open stream alone does not keep a session alive.
 */
export function stillHolds(principal: Principal, needed: Role): boolean {
  const user = principal.via === "token" ? userOfApiToken(principal.credential, { touch: false }) : userOfSession(principal.credential, { touch: false });
  return user !== null && user.id === principal.userId && hasRole(user.role, needed);
}

/** The principal, if it holds `needed`; else 401 (nobody) or 403 (too small a role). */
export function requireRole(headers: Headers, needed: Role): Principal {
  return checkRole(principalOf(headers), needed);
}

export function checkRole(principal: Principal | null, needed: Role): Principal {
  if (!principal) throw new ApiError("unauthorized", "sign in first, or send an API token as Authorization: Bearer <token>");
  if (!hasRole(principal.role, needed)) throw new ApiError("forbidden", `${principal.name} is ${aRole(principal.role)}; this needs the ${needed} role`);
  return principal;
}
