import "server-only";
import type Docker from "dockerode";
import { asc, eq, or } from "drizzle-orm";
import { getSecretBox } from "@/lib/auth/secret-box";
import { getDb } from "@/lib/db/client";
import { registries } from "@/lib/db/schema";
import { defaultEngine } from "@/lib/engines/engine-clients";
import { parseImageRef } from "@/lib/docker/image/image-ref";
import { DomainError } from "@/lib/domain-error";
import { pingRegistry, registryBaseUrl, type RegistryAccess } from "./registry-http";
import type { CreateRegistryBody } from "./registry-schemas";

export type RegistryRow = typeof registries.$inferSelect;

/** What the API and pages show of a registry: never the password, only whether one is set. */
export function registryView(row: RegistryRow) {
  return { id: row.id, name: row.name, url: row.url, username: row.username, passwordSet: row.passwordSealed !== null, createdAt: row.createdAt };
}

export type RegistryView = ReturnType<typeof registryView>;

// The record the sealed password belongs to: it opens for this registry only.
const sealContext = (url: string) => `registry:${url}`;

export function listRegistries() {
  return getDb().select().from(registries).orderBy(asc(registries.name)).all().map(registryView);
}

export function getRegistryRow(id: number): RegistryRow {
  const row = getDb().select().from(registries).where(eq(registries.id, id)).get();
  if (!row) throw new DomainError("not_found", `no registry with id ${id}`);
  return row;
}

/**
 * Adds a registry once its credentials work: the engine logs in with them
 * (POST /auth), as it will for every push and pull. Nothing is stored when
 * the registry refuses them or does not answer.
 */
export async function addRegistry(body: CreateRegistryBody, engine: Docker = defaultEngine()) {
  const db = getDb();
  const taken = db.select().from(registries).where(or(eq(registries.name, body.name), eq(registries.url, body.url))).get();
  if (taken) {
    throw new DomainError("conflict", taken.name === body.name ? `a registry is already called ${body.name}` : `the registry ${body.url} is already configured as ${taken.name}`);
  }
  if (body.username && body.password) await checkCredentials(engine, { url: body.url, username: body.username, password: body.password });
  else await pingRegistry({ url: body.url });
  try {
    const row = db
      .insert(registries)
      .values({
        name: body.name,
        url: body.url,
        username: body.username ?? null,
        passwordSealed: body.password ? getSecretBox().seal(body.password, sealContext(body.url)) : null,
      })
      .returning()
      .get();
    return registryView(row);
  } catch (error) {
    // Another request added the same name or address while the credentials were checked.
    if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") throw new DomainError("conflict", `a registry named ${body.name} or at ${body.url} was added meanwhile`);
    throw error;
  }
}

async function checkCredentials(engine: Docker, access: { url: string; username: string; password: string }) {
  try {
    await engine.checkAuth({ username: access.username, password: access.password, serveraddress: access.url });
  } catch (error) {
    const e = error as { statusCode?: number; json?: { message?: string }; message?: string; code?: string };
    const reason = e.json?.message ?? e.message ?? String(error);
    if (e.code === "ENOENT" || e.code === "ECONNREFUSED") throw new DomainError("engine_unavailable", `the Docker engine cannot be reached (${e.code})`);
    if (e.statusCode === 401 || /\b401\b|unauthorized|incorrect username or password/i.test(reason)) {
      throw new DomainError("unprocessable", `the registry ${access.url} refused the user name or password of ${access.username}`);
    }
    // Podman's /auth tries HTTPS only, whatever its registries.conf marks insecure (its pushes and pulls
    // honour that): for a registry kobuild reaches over plain HTTP, kobuild asks the registry itself.
    if (/server gave HTTP response to HTTPS client/i.test(reason) && registryBaseUrl(access.url).startsWith("http:")) {
      await pingRegistry(access);
      return;
    }
    throw new DomainError("bad_gateway", `could not log in to the registry ${access.url}: ${reason}`);
  }
}

export function deleteRegistry(id: number) {
  const row = getRegistryRow(id);
  getDb().delete(registries).where(eq(registries.id, id)).run();
  return registryView(row);
}

/** Credentials for the HTTP API, opened in memory for one call. */
export function registryAccess(row: RegistryRow): RegistryAccess {
  return { url: row.url, username: row.username, password: openPassword(row) };
}

/** dockerode's authconfig (the X-Registry-Auth header) for a pull or push; undefined for an anonymous registry. */
export function registryAuthConfig(row: RegistryRow) {
  const password = openPassword(row);
  if (!row.username || !password) return undefined;
  return { username: row.username, password, serveraddress: row.url };
}

function openPassword(row: RegistryRow): string | null {
  if (!row.passwordSealed) return null;
  try {
    return getSecretBox().open(row.passwordSealed, sealContext(row.url));
  } catch {
    throw new DomainError(
      "conflict",
      `the password of registry ${row.name} cannot be opened: kobuild's secret key changed (KOBUILD_SECRET_KEY or the data directory's secret.key); remove the registry and add it again`,
    );
  }
}

/** The configured registry an image reference points into, by its host[:port]; null when none is. */
export function findRegistryForImage(ref: string): RegistryRow | null {
  const repository = parseImageRef(ref).repository;
  if (!repository) return null;
  const first = repository.split("/")[0]!;
  const hasHost = repository.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  if (!hasHost) return null;
  return getDb().select().from(registries).where(eq(registries.url, first)).get() ?? null;
}
