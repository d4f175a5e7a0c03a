import "server-only";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { principalOf, requireRole, type Principal } from "./guard";
import { hasRole, type Role } from "./roles";

/** For pages: the signed-in principal; off to the sign-in page without one, the 403 page (app/forbidden.tsx) with too small a role. */
export async function requirePage(needed: Role = "viewer"): Promise<Principal> {
  const principal = principalOf(await headers());
  if (!principal) redirect("/login");
  if (!hasRole(principal.role, needed)) forbidden();
  return principal;
}

/** For server actions: the principal holding `needed`, else an ApiError the action reports. */
export async function requireAction(needed: Role): Promise<Principal> {
  return requireRole(await headers(), needed);
}

/** The signed-in principal, if any (for the header's "signed in as"). */
export async function currentPrincipal(): Promise<Principal | null> {
  return principalOf(await headers());
}
