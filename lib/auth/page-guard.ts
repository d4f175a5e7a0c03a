import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { principalOf, requireRole, type Principal } from "./guard";
import type { Role } from "./roles";

/** For pages: the signed-in principal, or off to the sign-in page. */
export async function requirePage(needed: Role = "viewer"): Promise<Principal> {
  const h = await headers();
  if (!principalOf(h)) redirect("/login");
  return requireRole(h, needed);
}

/** For server actions: the principal holding `needed`, else an ApiError the action reports. */
export async function requireAction(needed: Role): Promise<Principal> {
  return requireRole(await headers(), needed);
}

/** The signed-in principal, if any (for the header's "signed in as"). */
export async function currentPrincipal(): Promise<Principal | null> {
  return principalOf(await headers());
}
