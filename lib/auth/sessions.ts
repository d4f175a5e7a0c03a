import "server-only";
import { and, eq, gt, lt, ne, or } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { sessions, users } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { hashSecretToken, looksLikeToken, newSecretToken } from "./secret-token";
import { noteUse } from "./note-use";

export const SESSION_COOKIE = "kobuild_session";
export const SESSION_DAYS = 7;
/** How often use of a session is written down: at most once a minute (or a tenth of the idle timeout). */
const touchEveryMs = () => Math.min(60_000, env().sessionIdleMs / 10);

/** A new session for a user: the cookie value (only its hash is stored) and when it ends. */
export function createSession(userId: number, db: Db = getDb()) {
  const token = newSecretToken("session");
  const now = new Date();
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000);
  db.delete(sessions)
    .where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, new Date(now.getTime() - env().sessionIdleMs))))
    .run();
  db.insert(sessions).values({ tokenHash: hashSecretToken(token), userId, expiresAt, lastSeenAt: now }).run();
  return { token, expiresAt };
}

/**
 * The user a session cookie belongs to, while it is valid: not past its
 * absolute end, not idle longer than KOBUILD_SESSION_IDLE_MINUTES, and its
 * user not disabled. `touch` (every request but a stream's re-check) counts
 * as use.
 */
export function userOfSession(token: string, { touch = true }: { touch?: boolean } = {}, db: Db = getDb()) {
  if (!looksLikeToken("session", token)) return null;
  const tokenHash = hashSecretToken(token);
  const now = Date.now();
  const row = db
    .select({ id: users.id, name: users.name, role: users.role, disabledAt: users.disabledAt, lastSeenAt: sessions.lastSeenAt, createdAt: sessions.createdAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, new Date(now))))
    .get();
  if (!row || row.disabledAt) return null;
  const lastSeen = (row.lastSeenAt ?? row.createdAt).getTime();
  if (now - lastSeen > env().sessionIdleMs) {
    endSession(token, db);
    return null;
  }
  if (touch && now - lastSeen > touchEveryMs()) noteUse(() => db.update(sessions).set({ lastSeenAt: new Date(now) }).where(eq(sessions.tokenHash, tokenHash)).run());
  return { id: row.id, name: row.name, role: row.role };
}

export function endSession(token: string, db: Db = getDb()) {
  db.delete(sessions).where(eq(sessions.tokenHash, hashSecretToken(token))).run();
}

/** Ends every session of a user (a new password, a disabled user), but the one whose cookie is `keep`; returns how many ended. */
export function endSessionsOf(userId: number, { keep }: { keep?: string } = {}, db: Db = getDb()) {
  const others = keep ? and(eq(sessions.userId, userId), ne(sessions.tokenHash, hashSecretToken(keep))) : eq(sessions.userId, userId);
  return db.delete(sessions).where(others).run().changes;
}
