import { DomainError } from "@/lib/domain-error";

/**
 * Whether a request that changes something came from the dashboard's own
 * pages. SameSite=Lax lets a page on another port of the same host, or on a
 * sibling subdomain, send the session cookie with a POST; only the browser's
 * own word about where the request started tells them apart:
 *
 * - `Sec-Fetch-Site` (every current browser sends it): only `same-origin` passes;
 * - else `Origin`: its host (with port) must be the host the browser asked
 *   for: `X-Forwarded-Host` when a proxy set it, else `Host` (a proxy in
 *   front must pass one of them through unchanged);
 * - a request with neither header comes from a program, not a browser page,
 *   and passes (it must still prove who it is, with a cookie or a token).
 *
 * A page elsewhere cannot set these headers: browsers fill them in themselves,
 * and a cross-origin request carrying a forged X-Forwarded-Host needs a CORS
 * preflight that kobuild never grants.
 */
export function isSameOrigin(headers: Headers): boolean {
  const site = headers.get("sec-fetch-site");
  if (site !== null) return site.trim().toLowerCase() === "same-origin";
  const origin = headers.get("origin");
  if (origin === null) return true;
  const own = ownHost(headers);
  if (!own || origin === "null") return false;
  try {
    return new URL(origin).host.toLowerCase() === own;
  } catch {
    return false;
  }
}

/** The host (and port) the browser addressed: the first X-Forwarded-Host entry, else Host. */
export function ownHost(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  const host = forwarded || headers.get("host")?.trim();
  if (!host) return null;
  try {
    // Normalised as URL does it for Origin: lower case, default ports left out.
    const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https" ? "https" : "http";
    return new URL(`${proto}://${host}`).host.toLowerCase();
  } catch {
    return null;
  }
}

/** Refuses (403) a change that a page of another origin sent. */
export function requireSameOrigin(headers: Headers) {
  if (!isSameOrigin(headers)) {
    throw new DomainError("forbidden", "this change came from a page of another origin: kobuild takes changes signed with a session cookie only from its own pages (or send an API token)");
  }
}

/** The origin the browser addressed (scheme from X-Forwarded-Proto, host from ownHost); `fallback` when no Host came. */
export function requestOrigin(headers: Headers, fallback: string): string {
  const host = ownHost(headers);
  if (!host) return fallback;
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https" ? "https" : "http";
  return `${proto}://${host}`;
}
