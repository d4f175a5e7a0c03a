import "server-only";
import { and, desc, eq, isNull, ne } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { apiTokens, users } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import { recheckStreams } from "./stream-slots";
import { hashSecretToken, looksLikeToken, newSecretToken } from "./secret-token";
import { noteUse } from "./note-use";

/** A new API token of a user; the token itself is returned this once and never stored. */
export function createApiToken(userId: number, name: string, db: Db = getDb()) {
  const token = newSecretToken("api");
  const row = db.insert(apiTokens).values({ userId, name, tokenHash: hashSecretToken(token) }).returning({ id: apiTokens.id }).get();
  return { id: row.id, name, token };
}

/**
 * POST /api/tokens and Settings: a token named `name` for the named user, or
 * for the admin asking when no user is named. 404 for an unknown user.
 */
export function createApiTokenFor(askedBy: { userId: number }, body: { name: string; user?: string }, db: Db = getDb()) {
  let userId = askedBy.userId;
  if (body.user) {
    const user = db.select({ id: users.id }).from(users).where(eq(users.name, body.user)).get();
    if (!user) throw new DomainError("not_found", `no user ${body.user}`);
    userId = user.id;
  }
  return createApiToken(userId, body.name, db);
}

/**
 * Makes a token chosen elsewhere (KOBUILD_ADMIN_TOKEN) the only live token of
 * that name and user: stored once, and every earlier value revoked, so that
 * changing or removing the variable locks the old value out. `token` null
 * revokes them all. A value revoked on Settings stays revoked.
 */
export function adoptApiToken(userId: number, name: string, token: string | null, db: Db = getDb()) {
  const tokenHash = token ? hashSecretToken(token) : null;
  const earlier = and(eq(apiTokens.userId, userId), eq(apiTokens.name, name), isNull(apiTokens.revokedAt), ...(tokenHash ? [ne(apiTokens.tokenHash, tokenHash)] : []));
  const revoked = db.update(apiTokens).set({ revokedAt: new Date() }).where(earlier).run().changes;
  if (!tokenHash) return { adopted: false, revoked, refused: false };
  const known = db.select({ revokedAt: apiTokens.revokedAt }).from(apiTokens).where(eq(apiTokens.tokenHash, tokenHash)).get();
  if (known) return { adopted: false, revoked, refused: known.revokedAt !== null };
  db.insert(apiTokens).values({ userId, name, tokenHash }).run();
  return { adopted: true, revoked, refused: false };
}

/** The user a bearer token belongs to, unless the token was revoked or the user disabled; `touch` notes its use. */
export function userOfApiToken(token: string, { touch = true }: { touch?: boolean } = {}, db: Db = getDb()) {
  // kobuild's own tokens, or one chosen by automation (KOBUILD_ADMIN_TOKEN's grammar).
  if (!looksLikeToken("api", token) && !/^[A-Za-z0-9_.~+/=-]{32,200}$/.test(token)) return null;
  const row = db
    .select({ tokenId: apiTokens.id, id: users.id, name: users.name, role: users.role, disabledAt: users.disabledAt })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, hashSecretToken(token)), isNull(apiTokens.revokedAt)))
    .get();
  if (!row || row.disabledAt) return null;
  if (touch) noteUse(() => db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, row.tokenId)).run());
  return row;
}

export function listApiTokens(db: Db = getDb()) {
  return db
    .select({ id: apiTokens.id, name: apiTokens.name, user: users.name, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt, revokedAt: apiTokens.revokedAt })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .orderBy(desc(apiTokens.id))
    .all();
}

export function revokeApiToken(id: number, db: Db = getDb()) {
  const row = db.update(apiTokens).set({ revokedAt: new Date() }).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt))).returning().get();
  if (!row) throw new DomainError("not_found", `no active API token with id ${id}`);
  // Streams it opened close now, not at their next check.
  recheckStreams(row.userId);
  return { id: row.id, name: row.name, revokedAt: row.revokedAt };
}
