import "server-only";
import { probeEngine, type EngineState } from "@/lib/docker/probe-engine";
import { clientForEngine } from "./engine-clients";
import { listEngineRows, type EngineRow } from "./engine-store";

export type EngineHealth = EngineState & { checkedAt: number };

// Probes are cheap but pages and the scheduler ask often: an answer younger
// than this is reused.
const FRESH_MS = 3000;

const holder = globalThis as unknown as { kobuildEngineHealth?: Map<string, EngineHealth> };
const known = (holder.kobuildEngineHealth ??= new Map());

/** The engine's state now (or at most a few seconds ago); `fresh` asks it again whatever the last answer. */
export async function engineHealth(row: EngineRow, { fresh = false } = {}): Promise<EngineHealth> {
  const last = known.get(row.id);
  if (!fresh && last && Date.now() - last.checkedAt < FRESH_MS) return last;
  // Longer than a page would wait for one answer: on a loaded machine an engine answers late, not never.
  const state = { ...(await probeEngine(clientForEngine(row), 4000)), checkedAt: Date.now() };
  known.set(row.id, state);
  return state;
}

/** Every engine with its state, probed at once. */
export async function listEnginesWithHealth({ fresh = false } = {}) {
  const rows = listEngineRows();
  const states = await Promise.all(rows.map((row) => engineHealth(row, { fresh })));
  return rows.map((row, i) => ({ row, health: states[i]! }));
}

/** Engines that answer now, in the order of listEngineRows. */
export async function healthyEngines({ fresh = false } = {}): Promise<EngineRow[]> {
  return (await listEnginesWithHealth({ fresh })).filter((e) => e.health.reachable).map((e) => e.row);
}

/** Drops the last answer of a removed engine. */
export function forgetEngineHealth(id: string) {
  known.delete(id);
}
