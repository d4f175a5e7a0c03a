import "server-only";
import fs from "node:fs/promises";
import { sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { getDefaultEngine } from "@/lib/docker/engine";
import { probeEngine, type EngineState } from "@/lib/docker/probe-engine";
import { env } from "@/lib/env";

export type Health = {
  status: "ok" | "degraded";
  docker: EngineState & { host: string };
  database: { ok: boolean; error?: string };
  dataDir: { path: string; freeBytes: number | null; totalBytes: number | null };
};

export async function getHealth(): Promise<Health> {
  const { dataDir, dockerHost } = env();
  const [docker, space] = await Promise.all([probeEngine(getDefaultEngine()), diskSpace(dataDir)]);
  const database = checkDatabase();
  return {
    status: docker.reachable && database.ok ? "ok" : "degraded",
    docker: { ...docker, host: dockerHost },
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
