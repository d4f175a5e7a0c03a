import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { and, eq, inArray, or, sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { builds, engines, images } from "@/lib/db/schema";
import { addressWithoutPassword, closeEngineClient, createEngineClient } from "@/lib/docker/engine";
import { probeEngine, type EngineProduct, type EngineState } from "@/lib/docker/probe-engine";
import { DomainError } from "@/lib/domain-error";
import { forgetEngineClient } from "./engine-clients";
import { engineHealth, forgetEngineHealth, listEnginesWithHealth, type EngineHealth } from "./engine-health";
import { CERT_FILES, type AddEngineBody, type UpdateEngineBody } from "./engine-schemas";
import { DEFAULT_ENGINE_ID, engineKindOf, getEngineRow, type EngineRow } from "./engine-store";
import { ACTIVE_BUILD_STATUSES } from "@/lib/vocabulary";

/** An engine's last answer, the same shape whether it answered or not. */
export type EngineHealthView = {
  reachable: boolean;
  /** Docker or Podman (its Docker-compatible service), as its /version answer says. */
  product: EngineProduct | null;
  version: string | null;
  apiVersion: string | null;
  buildkit: boolean | null;
  error: string | null;
  checkedAt: string;
};

/** What the API and Settings show of an engine. */
export type EngineView = {
  id: string;
  name: string;
  kind: EngineRow["kind"];
  url: string;
  certPath: string | null;
  concurrency: number;
  isDefault: boolean;
  health: EngineHealthView;
  running: number;
  queued: number;
};

type BuildCounts = { running: number; queued: number };

const ACTIVE = ACTIVE_BUILD_STATUSES;
const DEFAULT_IS_ENVIRONMENT = "the default engine is set by DOCKER_HOST / KOBUILD_BUILDS_PER_ENGINE: change the environment and restart";

/** Every engine, the default first, with its health (at most a few seconds old) and its builds running and queued. */
export async function describeEngines(): Promise<EngineView[]> {
  const counts = activeBuildCounts();
  return (await listEnginesWithHealth()).map(({ row, health }) => engineView(row, health, counts.get(row.id)));
}

export async function describeEngine(id: string): Promise<EngineView> {
  const row = getEngineRow(id);
  return engineView(row, await engineHealth(row), activeBuildCounts().get(row.id));
}

/**
 * Adds an engine once it answers: the certificate directory must hold the
 * three files and the engine must tell its version through a client made
 * from these very values. Nothing is stored on a refusal.
 */
export async function addEngine(body: AddEngineBody): Promise<EngineView> {
  const db = getDb();
  const taken = db.select().from(engines).where(or(eq(engines.name, body.name), eq(engines.url, body.url))).get();
  if (taken) {
    throw new DomainError("conflict", taken.name === body.name ? `an engine is already called ${body.name}` : `the engine ${body.url} is already configured as ${taken.name}`);
  }
  if (body.certPath) checkCertDirectory(body.certPath);
  const state = await probeNewEngine(body);
  if (!state.reachable) throw new DomainError("unprocessable", `the engine at ${body.url} did not answer: ${state.error}`);
  try {
    const row = db
      .insert(engines)
      .values({ id: `eng_${randomBytes(4).toString("hex")}`, name: body.name, kind: engineKindOf(body.url), url: body.url, certPath: body.certPath ?? null, concurrency: body.concurrency })
      .returning()
      .get();
    return engineView(row, { ...state, checkedAt: Date.now() }, undefined);
  } catch (error) {
    // Another request added the same name or address while the engine was asked.
    if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") throw new DomainError("conflict", `an engine named ${body.name} was added meanwhile`);
    throw error;
  }
}

/** Renames an engine or changes how many builds it runs at once; the default engine follows the environment only. */
export async function updateEngine(id: string, body: UpdateEngineBody): Promise<EngineView> {
  const row = getEngineRow(id);
  if (row.id === DEFAULT_ENGINE_ID) throw new DomainError("conflict", DEFAULT_IS_ENVIRONMENT);
  const db = getDb();
  if (body.name !== undefined && body.name !== row.name) {
    const taken = db.select({ id: engines.id }).from(engines).where(eq(engines.name, body.name)).get();
    if (taken) throw new DomainError("conflict", `an engine is already called ${body.name}`);
  }
  db.update(engines)
    .set({ ...(body.name !== undefined ? { name: body.name } : {}), ...(body.concurrency !== undefined ? { concurrency: body.concurrency } : {}) })
    .where(eq(engines.id, id))
    .run();
  return describeEngine(id);
}

/**
 * Removes an engine that has no build queued or running. Finished builds and
 * images that name it keep their history with no engine (the foreign key
 * would forbid removing a row they point to), all in one transaction.
 */
export function removeEngine(id: string): EngineRow {
  const row = getEngineRow(id);
  if (row.id === DEFAULT_ENGINE_ID) throw new DomainError("conflict", DEFAULT_IS_ENVIRONMENT);
  getDb().transaction((tx) => {
    const active = tx
      .select({ id: builds.id, status: builds.status })
      .from(builds)
      .where(and(eq(builds.engineId, id), inArray(builds.status, ACTIVE)))
      .orderBy(builds.id)
      .all();
    if (active.length > 0) {
      const named = active.map((b) => `#${b.id} (${b.status})`).join(", ");
      throw new DomainError("conflict", `the engine ${row.name} has builds queued or running: ${named}; cancel them or wait until they end`);
    }
    tx.update(builds).set({ engineId: null }).where(eq(builds.engineId, id)).run();
    tx.update(images).set({ engineId: null }).where(eq(images.engineId, id)).run();
    tx.delete(engines).where(eq(engines.id, id)).run();
  });
  forgetEngineClient(id);
  forgetEngineHealth(id);
  return row;
}

function checkCertDirectory(dir: string) {
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) throw new DomainError("unprocessable", `no directory ${dir} on the dashboard's host`);
  const missing = CERT_FILES.find((file) => !fs.statSync(path.join(dir, file), { throwIfNoEntry: false })?.isFile());
  if (missing) throw new DomainError("unprocessable", `${dir} has no ${missing} (TLS needs ${CERT_FILES.join(", ")})`);
}

async function probeNewEngine(body: AddEngineBody): Promise<EngineState> {
  let client;
  try {
    client = createEngineClient({ dockerHost: body.url, tlsVerify: Boolean(body.certPath), certPath: body.certPath });
  } catch (error) {
    // The certificate files exist but cannot be read.
    throw new DomainError("unprocessable", `cannot read the TLS certificates in ${body.certPath}: ${(error as { code?: string }).code ?? "unreadable"}`);
  }
  try {
    // Adding waits longer than a page would: Podman's service asks conmon and its runtime for their versions on each /version.
    return await probeEngine(client, 10_000);
  } finally {
    closeEngineClient(client);
  }
}

/** Builds running and queued per engine; builds that name no engine run on the default one. */
function activeBuildCounts(): Map<string, BuildCounts> {
  const rows = getDb()
    .select({ engineId: builds.engineId, status: builds.status, n: sql<number>`count(*)` })
    .from(builds)
    // A sharded build's coordinator takes no slot on any engine; its shards do.
    .where(and(inArray(builds.status, ACTIVE), sql`json_extract(${builds.options}, '$.sharding') IS NULL`))
    .groupBy(builds.engineId, builds.status)
    .all();
  const counts = new Map<string, BuildCounts>();
  for (const r of rows) {
    const key = r.engineId ?? DEFAULT_ENGINE_ID;
    const c = counts.get(key) ?? { running: 0, queued: 0 };
    c[r.status as (typeof ACTIVE)[number]] += r.n;
    counts.set(key, c);
  }
  return counts;
}

function engineView(row: EngineRow, health: EngineHealth, counts: BuildCounts | undefined): EngineView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    url: addressWithoutPassword(row.url),
    certPath: row.certPath,
    concurrency: row.concurrency,
    isDefault: row.id === DEFAULT_ENGINE_ID,
    health: healthView(health),
    running: counts?.running ?? 0,
    queued: counts?.queued ?? 0,
  };
}

function healthView(h: EngineHealth): EngineHealthView {
  const checkedAt = new Date(h.checkedAt).toISOString();
  return h.reachable
    ? { reachable: true, product: h.product, version: h.version, apiVersion: h.apiVersion, buildkit: h.buildkit, error: null, checkedAt }
    : { reachable: false, product: null, version: null, apiVersion: null, buildkit: null, error: h.error, checkedAt };
}

