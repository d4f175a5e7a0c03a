import "server-only";
import fs from "node:fs";
import path from "node:path";
import { and, eq, gt, isNotNull, isNull } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { signinLinks, users } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { DomainError } from "@/lib/domain-error";
import { adoptApiToken } from "./api-tokens";
import { hashSecretToken, newSecretToken } from "./secret-token";
import { createUser } from "./users";
import { log } from "@/lib/log/logger";

const LINK_HOURS = 24;
export const FIRST_ADMIN_LINK_FILE = "first-admin-link";
const AUTOMATION_USER = "automation";
const ADMIN_TOKEN_NAME = "KOBUILD_ADMIN_TOKEN";

/**
 * What a fresh install needs to be entered: KOBUILD_ADMIN_TOKEN becomes an
 * admin's API token, and while nobody can sign in with a password a one-time
 * link for the first admin is printed (and kept, mode 0600, in the data
 * directory for installs without a console).
 */
export async function provisionAccess(db: Db = getDb()): Promise<string | null> {
  const { adminToken, dataDir, host, port } = env();
  const automation = db.select().from(users).where(eq(users.name, AUTOMATION_USER)).get() ?? (adminToken ? await createUser({ name: AUTOMATION_USER, role: "admin" }, db) : null);
  if (automation) {
    // The variable is the only live token of its name: an earlier value (changed or removed since) stops working now.
    const { adopted, revoked, refused } = adoptApiToken(automation.id, ADMIN_TOKEN_NAME, adminToken, db);
    if (revoked > 0) log().info(`the previous KOBUILD_ADMIN_TOKEN was ${adminToken ? "changed" : "removed"}: its old value no longer works`);
    if (adopted) log().info("KOBUILD_ADMIN_TOKEN is an admin's API token");
    if (refused) log().warn("KOBUILD_ADMIN_TOKEN was revoked on Settings and stays revoked: choose a new value");
  }
  const file = path.join(dataDir, FIRST_ADMIN_LINK_FILE);
  if (db.select({ id: users.id }).from(users).where(and(isNotNull(users.passwordHash), isNull(users.disabledAt))).get()) {
    fs.rmSync(file, { force: true });
    return null;
  }
  const token = newSecretToken("signin");
  db.insert(signinLinks).values({ tokenHash: hashSecretToken(token), role: "admin", expiresAt: new Date(Date.now() + LINK_HOURS * 3_600_000) }).run();
  const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const link = `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${port}/login/first?token=${token}`;
  fs.writeFileSync(file, `${link}\n`, { mode: 0o600 });
  // Shown on purpose: the one way in for the first admin (also kept in the data directory, mode 0600).
  log().warn({ firstAdminLink: link }, `nobody can sign in yet: open the one-time link firstAdminLink within ${LINK_HOURS} hours to create the first admin`);
  return link;
}

/**
 * Creates the first admin from a one-time link; the link works once, and only
 * while no one can sign in. The link is claimed in one statement before the
 * password is hashed, so two requests racing with the same link cannot both
 * create an admin; a refusal afterwards (a taken name) hands it back.
 */
export async function redeemFirstAdminLink(token: string, name: string, password: string, db: Db = getDb()) {
  const tokenHash = hashSecretToken(token);
  const claimed = db
    .update(signinLinks)
    .set({ usedAt: new Date() })
    .where(and(eq(signinLinks.tokenHash, tokenHash), isNull(signinLinks.usedAt), gt(signinLinks.expiresAt, new Date())))
    .returning()
    .get();
  if (!claimed) throw new DomainError("forbidden", "this sign-in link is not valid: it was used, it expired, or it was never made; restart kobuild for a new one");
  let user;
  try {
    user = await createUser({ name, role: claimed.role, password }, db);
  } catch (error) {
    db.update(signinLinks).set({ usedAt: null }).where(eq(signinLinks.tokenHash, tokenHash)).run();
    throw error;
  }
  // Any other link still open is of no use now that someone can sign in.
  db.update(signinLinks).set({ usedAt: new Date() }).where(isNull(signinLinks.usedAt)).run();
  fs.rmSync(path.join(env().dataDir, FIRST_ADMIN_LINK_FILE), { force: true });
  return user;
}
