import "server-only";
import { asc, eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { engines } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { DomainError } from "@/lib/domain-error";

export type EngineRow = typeof engines.$inferSelect;

/** The engine of DOCKER_HOST: always there, configured by the environment rather than on Settings. */
export const DEFAULT_ENGINE_ID = "default";

export function engineKindOf(url: string): EngineRow["kind"] {
  if (url.startsWith("unix:")) return "unix";
  if (url.startsWith("ssh:")) return "ssh";
  return "tcp";
}

/**
 * Keeps the default engine's row in step with the environment (DOCKER_HOST,
 * DOCKER_CERT_PATH, KOBUILD_BUILDS_PER_ENGINE): builds and images name it
 * like any other engine.
 */
export function syncDefaultEngine() {
  const e = env();
  const values = {
    name: DEFAULT_ENGINE_ID,
    kind: engineKindOf(e.dockerHost),
    url: e.dockerHost,
    certPath: e.dockerTlsVerify ? (e.dockerCertPath ?? null) : null,
    concurrency: e.buildsPerEngine,
  };
  getDb()
    .insert(engines)
    .values({ id: DEFAULT_ENGINE_ID, ...values })
    .onConflictDoUpdate({ target: engines.id, set: values })
    .run();
}

/** Every engine, the default one first. */
export function listEngineRows(): EngineRow[] {
  syncDefaultEngineOnce();
  const rows = getDb().select().from(engines).orderBy(asc(engines.createdAt), asc(engines.name)).all();
  return [...rows.filter((r) => r.id === DEFAULT_ENGINE_ID), ...rows.filter((r) => r.id !== DEFAULT_ENGINE_ID)];
}

/** The engine with that id, or null. */
export function findEngineRow(id: string): EngineRow | null {
  syncDefaultEngineOnce();
  return getDb().select().from(engines).where(eq(engines.id, id)).get() ?? null;
}

export function getEngineRow(id: string): EngineRow {
  const row = findEngineRow(id);
  if (!row) throw new DomainError("not_found", `no engine with id ${id}`);
  return row;
}

const holder = globalThis as unknown as { kobuildDefaultEngineSynced?: boolean };
function syncDefaultEngineOnce() {
  if (holder.kobuildDefaultEngineSynced) return;
  syncDefaultEngine();
  holder.kobuildDefaultEngineSynced = true;
}
