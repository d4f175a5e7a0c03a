import type { OidcSettings } from "@/lib/env";
import { ROLES, type Role } from "./roles";

/**
 * The values of a claim at a dotted path (`groups`, `realm_access.roles`): a
 * string or an array of strings; anything else counts as no value. A claim
 * whose own name holds a dot (`https://example.com/roles`) is found too.
 */
export function claimValuesAt(claims: Record<string, unknown>, path: string): string[] {
  let value: unknown = path in claims ? claims[path] : claims;
  if (!(path in claims)) {
    for (const key of path.split(".")) {
      value = value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
    }
  }
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/** The highest role whose configured values the user's claim holds; null when it holds none of them. */
export function roleFromClaims(claims: Record<string, unknown>, settings: Pick<OidcSettings, "roleClaim" | "roleValues">): Role | null {
  const held = new Set(claimValuesAt(claims, settings.roleClaim));
  for (const role of [...ROLES].reverse()) {
    if (settings.roleValues[role].some((value) => held.has(value))) return role;
  }
  return null;
}
