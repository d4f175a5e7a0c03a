import "server-only";
import { and, asc, count, eq } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import { recheckStreams } from "./stream-slots";
import { hashPassword, verifyPassword } from "./password";
import type { Role } from "./roles";
import { endSessionsOf } from "./sessions";

export type User = typeof users.$inferSelect;

export function countUsers(db: Db = getDb()): number {
  return db.select({ n: count() }).from(users).get()?.n ?? 0;
}

export async function createUser({ name, role, password }: { name: string; role: Role; password?: string | null }, db: Db = getDb()) {
  if (db.select({ id: users.id }).from(users).where(eq(users.name, name)).get()) throw new DomainError("conflict", `a user is already called ${name}`);
  const passwordHash = password ? await hashPassword(password) : null;
  return db.insert(users).values({ name, role, passwordHash }).returning().get();
}

/** The user a name and password sign in as; null for a wrong pair (which of the two is never said). */
export async function verifyLogin(name: string, password: string, db: Db = getDb()): Promise<User | null> {
  const user = db.select().from(users).where(eq(users.name, name)).get();
  // A hash is computed either way, so a wrong name takes as long as a wrong password.
  const ok = await verifyPassword(password, user?.passwordHash ?? "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  return user && ok && !user.disabledAt ? user : null;
}

export function listUsers(db: Db = getDb()) {
  return db
    .select({ id: users.id, name: users.name, role: users.role, hasPassword: users.passwordHash, oidcSubject: users.oidcSubject, createdAt: users.createdAt, disabledAt: users.disabledAt })
    .from(users)
    .orderBy(asc(users.name))
    .all()
    .map(({ oidcSubject, ...u }) => ({ ...u, hasPassword: u.hasPassword !== null, singleSignOn: oidcSubject !== null }));
}

export function activeUser(id: number, db: Db = getDb()): User | null {
  return db.select().from(users).where(eq(users.id, id)).get() ?? null;
}

export function setUserRole(id: number, role: Role, db: Db = getDb()) {
  const row = db.update(users).set({ role }).where(eq(users.id, id)).returning().get();
  if (!row) throw new DomainError("not_found", `no user with id ${id}`);
  return row;
}

/**
 * Disables a user: their sessions end, and their open streams close, at once.
 * `by` is who asks: nobody disables themselves (the last admin could lock everyone out).
 */
export function disableUser(id: number, { by }: { by: { userId: number } }, db: Db = getDb()) {
  if (by.userId === id) throw new DomainError("conflict", "you cannot disable yourself");
  const row = db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, id)).returning().get();
  if (!row) throw new DomainError("not_found", `no user with id ${id}`);
  endSessionsOf(id, {}, db);
  recheckStreams(id);
  return row;
}

/**
 * A user's new password, once the current one is confirmed. Every other
 * session of the user ends (whoever knew the old password is signed out) and
 * the streams riding them close; `keepSession` (the cookie of the browser that
 * changed it) stays signed in.
 */
export async function changePassword(id: number, current: string, next: string, { keepSession }: { keepSession?: string } = {}, db: Db = getDb()) {
  const user = activeUser(id, db);
  if (!user || !user.passwordHash || !(await verifyPassword(current, user.passwordHash))) throw new DomainError("forbidden", "the current password is not right");
  db.update(users).set({ passwordHash: await hashPassword(next) }).where(eq(users.id, id)).run();
  endSessionsOf(id, { keep: keepSession }, db);
  recheckStreams(id);
}

/**
 * The user a provider's identity signs in as: found by issuer and subject
 * (never by name or e-mail, which another user may hold or a provider may
 * reuse), made on first sign-in, and given the role the provider's claim maps
 * to now. The name is the provider's, made to fit kobuild's names; when a
 * user already holds it, a number is added.
 */
export function userOfIdentity({ issuer, subject, name, role }: { issuer: string; subject: string; name: string; role: Role }, db: Db = getDb()): User {
  return db.transaction((tx) => {
    const linked = tx.select().from(users).where(and(eq(users.oidcIssuer, issuer), eq(users.oidcSubject, subject))).get();
    if (linked) return linked.role === role ? linked : tx.update(users).set({ role }).where(eq(users.id, linked.id)).returning().get()!;
    const base = fittingName(name);
    let candidate = base;
    for (let n = 2; tx.select({ id: users.id }).from(users).where(eq(users.name, candidate)).get(); n++) candidate = `${base.slice(0, 58)}-${n}`;
    return tx.insert(users).values({ name: candidate, role, passwordHash: null, oidcIssuer: issuer, oidcSubject: subject }).returning().get();
  });
}

/** A provider's user name as kobuild's names are written: letters, digits and . _ @ -, starting with a letter or digit, at most 64. */
function fittingName(name: string): string {
  const fitted = name.replace(/[^A-Za-z0-9._@-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 64);
  return fitted || "user";
}
