import "server-only";
import type Docker from "dockerode";
import { closeEngineClient, createEngineClient, getDefaultEngine } from "@/lib/docker/engine";
import { DEFAULT_ENGINE_ID, getEngineRow, type EngineRow } from "./engine-store";

const holder = globalThis as unknown as { kobuildEngineClients?: Map<string, { key: string; client: Docker }> };
const clients = (holder.kobuildEngineClients ??= new Map());

/** A dockerode client for an engine row; made once per address (a changed row gets a new one). */
export function clientForEngine(row: EngineRow): Docker {
  if (row.id === DEFAULT_ENGINE_ID) return getDefaultEngine();
  const key = `${row.url}|${row.certPath ?? ""}`;
  const known = clients.get(row.id);
  if (known?.key === key) return known.client;
  const client = createEngineClient({ dockerHost: row.url, tlsVerify: Boolean(row.certPath), certPath: row.certPath ?? undefined });
  if (known) closeEngineClient(known.client);
  clients.set(row.id, { key, client });
  return client;
}

/**
 * The default engine: where plans are previewed, images are read and
 * recorded, and operations run unless a build names another. Only lib/engines
 * decides which engine that is; the domain never reaches for lib/docker's client.
 */
export function defaultEngine(): Docker {
  return getDefaultEngine();
}

/** The client of the engine a build or image names; null is the default engine. */
export function engineClient(engineId: string | null): Docker {
  if (engineId === null || engineId === DEFAULT_ENGINE_ID) return getDefaultEngine();
  return clientForEngine(getEngineRow(engineId));
}

/** Drops the client of a removed engine, closing the connections it keeps (an ssh engine's ssh processes). */
export function forgetEngineClient(id: string) {
  const known = clients.get(id);
  if (known) closeEngineClient(known.client);
  clients.delete(id);
}

