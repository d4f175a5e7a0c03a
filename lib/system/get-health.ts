import "server-only";
import fs from "node:fs/promises";
import { sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { defaultEngine } from "@/lib/engines/engine-clients";
import { addressWithoutPassword } from "@/lib/docker/engine";
import { probeEngine, type EngineState } from "@/lib/docker/probe-engine";
import { env } from "@/lib/env";

export type Health = {
  status: "ok" | "degraded";
  docker: EngineState & { host: string };
  database: { ok: boolean; error?: string };
  dataDir: { path: string; freeBytes: number | null; totalBytes: number | null };
};

// Every page shows the engine's state; asking the engine once per few seconds
// keeps page loads fast even when a remote engine is slow to refuse.
const ENGINE_STATE_TTL_MS = 2_000;
const holder = globalThis as unknown as { kobuildEngineState?: { at: number; state: Promise<EngineState> } };

function engineState(): Promise<EngineState> {
  const cached = holder.kobuildEngineState;
  if (cached && Date.now() - cached.at < ENGINE_STATE_TTL_MS) return cached.state;
  const state = probeEngine(defaultEngine(), 4000);
  holder.kobuildEngineState = { at: Date.now(), state };
  return state;
}

export async function getHealth(): Promise<Health> {
  const { dataDir, dockerHost } = env();
  const [docker, space] = await Promise.all([engineState(), diskSpace(dataDir)]);
  const database = checkDatabase();
  return {
    status: docker.reachable && database.ok ? "ok" : "degraded",
    // Anyone may ask (no sign-in): DOCKER_HOST may carry a password.
    docker: { ...docker, host: addressWithoutPassword(dockerHost) },
    database,
    dataDir: { path: dataDir, ...space },
  };
}

function checkDatabase(): Health["database"] {
  try {
    getDb().get(sql`select 1`);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

async function diskSpace(dir: string) {
  try {
    const s = await fs.statfs(dir);
    return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch {
    return { freeBytes: null, totalBytes: null };
  }
}
