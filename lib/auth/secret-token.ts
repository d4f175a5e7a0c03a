import "server-only";
import { createHash, randomBytes } from "node:crypto";

// Session ids, API tokens and sign-in links are 32 random bytes; only their
// sha256 is stored, so a copy of the database opens no door. The prefix says
// what a leaked string is when it turns up in a log or a paste.
export type TokenKind = "session" | "api" | "signin";
const PREFIX: Record<TokenKind, string> = { session: "kbs_", api: "kbt_", signin: "kbl_" };

export function newSecretToken(kind: TokenKind): string {
  return PREFIX[kind] + randomBytes(32).toString("base64url");
}

export function hashSecretToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function looksLikeToken(kind: TokenKind, value: string): boolean {
  return value.startsWith(PREFIX[kind]) && /^[A-Za-z0-9_-]{40,60}$/.test(value.slice(PREFIX[kind].length));
}
