import "server-only";
import { and, eq, gt, lt } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { sessions, users } from "@/lib/db/schema";
import { hashSecretToken, looksLikeToken, newSecretToken } from "./secret-token";

export const SESSION_COOKIE = "kobuild_session";
export const SESSION_DAYS = 7;

/** A new session for a user: the cookie value (only its hash is stored) and when it ends. */
export function createSession(userId: number, db: Db = getDb()) {
  const token = newSecretToken("session");
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
  db.delete(sessions).where(lt(sessions.expiresAt, new Date())).run();
  db.insert(sessions).values({ tokenHash: hashSecretToken(token), userId, expiresAt }).run();
  return { token, expiresAt };
}

/** The user a session cookie belongs to, while it is valid and the user is not disabled. */
export function userOfSession(token: string, db: Db = getDb()) {
  if (!looksLikeToken("session", token)) return null;
  const row = db
    .select({ id: users.id, name: users.name, role: users.role, disabledAt: users.disabledAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, hashSecretToken(token)), gt(sessions.expiresAt, new Date())))
    .get();
  return row && !row.disabledAt ? row : null;
}

export function endSession(token: string, db: Db = getDb()) {
  db.delete(sessions).where(eq(sessions.tokenHash, hashSecretToken(token))).run();
}
