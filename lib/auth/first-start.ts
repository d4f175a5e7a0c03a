import "server-only";
import fs from "node:fs";
import path from "node:path";
import { and, eq, gt, isNotNull, isNull } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { signinLinks, users } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { ApiError } from "@/lib/http/api-error";
import { adoptApiToken } from "./api-tokens";
import { hashSecretToken, newSecretToken } from "./secret-token";
import { createUser } from "./users";

const LINK_HOURS = 24;
export const FIRST_ADMIN_LINK_FILE = "first-admin-link";
const AUTOMATION_USER = "automation";

/**
 * What a fresh install needs to be entered: KOBUILD_ADMIN_TOKEN becomes an
 * admin's API token, and while nobody can sign in with a password a one-time
 * link for the first admin is printed (and kept, mode 0600, in the data
 * directory for installs without a console).
 */
export async function provisionAccess(db: Db = getDb()): Promise<string | null> {
  const { adminToken, dataDir, host, port } = env();
  if (adminToken) {
    const automation = db.select().from(users).where(eq(users.name, AUTOMATION_USER)).get() ?? (await createUser({ name: AUTOMATION_USER, role: "admin" }, db));
    if (adoptApiToken(automation.id, "KOBUILD_ADMIN_TOKEN", adminToken, db)) console.log("kobuild: KOBUILD_ADMIN_TOKEN is an admin's API token");
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
  console.log(`kobuild: nobody can sign in yet. Open this one-time link within ${LINK_HOURS} hours to create the first admin:\n  ${link}`);
  return link;
}

/** Creates the first admin from a one-time link; the link works once, and only while no one can sign in. */
export async function redeemFirstAdminLink(token: string, name: string, password: string, db: Db = getDb()) {
  const link = db
    .select()
    .from(signinLinks)
    .where(and(eq(signinLinks.tokenHash, hashSecretToken(token)), isNull(signinLinks.usedAt), gt(signinLinks.expiresAt, new Date())))
    .get();
  if (!link) throw new ApiError("forbidden", "this sign-in link is not valid: it was used, it expired, or it was never made; restart kobuild for a new one");
  const user = await createUser({ name, role: link.role, password }, db);
  db.update(signinLinks).set({ usedAt: new Date() }).where(isNull(signinLinks.usedAt)).run();
  fs.rmSync(path.join(env().dataDir, FIRST_ADMIN_LINK_FILE), { force: true });
  return user;
}
