import "server-only";
import { and, asc, eq, inArray, isNotNull } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { builds } from "@/lib/db/schema";
import { addressWithoutPassword, closeEngineClient, createEngineClient } from "@/lib/docker/engine";
import { clientForEngine, defaultEngine } from "@/lib/engines/engine-clients";
import { DEFAULT_ENGINE_ID, listEngineRows } from "@/lib/engines/engine-store";
import { env } from "@/lib/env";
import { log, outsideRequests } from "@/lib/log/logger";
import { takeBuildSecrets } from "./build-secrets";
import { signalBuildChanged } from "./build-signals";
import { isDraining } from "./draining";
import { forgetEngineWork, leftoverEngineWork, stopEngineWork } from "./engine-work";
import { LogWriter } from "./log-writer";
import { isShardedBuild } from "./shards/sharding-options";

// Builds wait in the database (status "queued") and start in FIFO order on
// their engine (null: the default one), at most the engine's concurrency at
// once there; a build whose engine is full does not hold up builds for other
// engines. A sharded build's coordinator takes no slot: it only plans, waits
// for its shards (which take slots like any build) and merges.
type Running = { controller: AbortController; engineId: string };
/** Runs one queued build to its end (lib/build-kinds gives it at start-up, so the queue imports no recipe). */
export type RunBuild = (buildId: number, signal: AbortSignal) => Promise<void>;
// On globalThis: Next loads this module once per bundle (instrumentation, routes, actions), all in one process.
type Queue = { running: Map<number, Running>; pumping: boolean; run?: RunBuild };
const holder = globalThis as unknown as { kobuildQueue?: Queue };
const queue: Queue = (holder.kobuildQueue ??= { running: new Map(), pumping: false });

/** Gives the queue what runs a build. Until then builds wait, queued; the next pump starts them. */
export function setBuildRunner(run: RunBuild) {
  queue.run = run;
}

/** Starts queued builds while their engines have room. Safe to call any time. */
export function pumpBuildQueue() {
  const run = queue.run;
  // A dashboard that stops leaves queued builds queued: the next start runs them.
  if (queue.pumping || !run || isDraining()) return;
  queue.pumping = true;
  try {
    const db = getDb();
    const limits = new Map(listEngineRows().map((e) => [e.id, e.concurrency]));
    const busy = new Map<string, number>();
    for (const r of queue.running.values()) if (r.engineId !== COORDINATOR) busy.set(r.engineId, (busy.get(r.engineId) ?? 0) + 1);
    const waiting = db
      .select({ id: builds.id, engineId: builds.engineId, options: builds.options })
      .from(builds)
      .where(eq(builds.status, "queued"))
      .orderBy(asc(builds.id))
      .all()
      .filter((b) => !queue.running.has(b.id));
    for (const next of waiting) {
      const coordinator = isShardedBuild(next.options);
      const engineId = coordinator ? COORDINATOR : (next.engineId ?? DEFAULT_ENGINE_ID);
      if (!coordinator) {
        // An engine removed meanwhile has no limit: its builds fail at start, saying so.
        const limit = limits.get(engineId) ?? 1;
        if ((busy.get(engineId) ?? 0) >= limit) continue;
        busy.set(engineId, (busy.get(engineId) ?? 0) + 1);
      }
      const controller = new AbortController();
      queue.running.set(next.id, { controller, engineId });
      // A build outlives the request that queued it: its lines name the build, not that request.
      void outsideRequests(() => run(next.id, controller.signal))
        .catch((error: unknown) => log().error({ buildId: next.id, engineId, err: error }, "build crashed"))
        .finally(() => {
          queue.running.delete(next.id);
          pumpBuildQueue();
        });
    }
  } finally {
    queue.pumping = false;
  }
}

const COORDINATOR = "(coordinator)";

/** Builds running now per engine id ("coordinator" for sharded builds' coordinators, which take no slot). */
export function runningBuildsByEngine(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of queue.running.values()) {
    const engine = r.engineId === COORDINATOR ? "coordinator" : r.engineId;
    counts.set(engine, (counts.get(engine) ?? 0) + 1);
  }
  return counts;
}

/** Waits until no build runs in this process, or `ms` passed; answers how many still run. */
export async function waitForRunningBuilds(ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  while (queue.running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, Math.min(200, Math.max(1, deadline - Date.now()))));
  return queue.running.size;
}

/**
 * As the dashboard stops with builds still running: they are marked
 * interrupted as recoverBuilds() marks the ones a previous process left; what
 * they started on the engine is stopped at the next start, which also notes
 * it in their logs.
 */
export function interruptRunningBuilds(): number[] {
  const ids = [...queue.running.keys()];
  if (ids.length === 0) return [];
  return getDb()
    .update(builds)
    .set({ status: "interrupted", error: INTERRUPTED, finishedAt: new Date() })
    .where(and(inArray(builds.id, ids), eq(builds.status, "running")))
    .returning({ id: builds.id })
    .all()
    .map((b) => b.id);
}

const INTERRUPTED = "the dashboard stopped while this build ran";

/** Cancels a queued or running build. Returns false when it had already ended. */
export function cancelBuild(buildId: number): boolean {
  const running = queue.running.get(buildId);
  if (running) {
    // The engine stops the build when its client goes away; a coordinator cancels its shards.
    running.controller.abort();
    return true;
  }
  const db = getDb();
  const changed = db
    .update(builds)
    .set({ status: "cancelled", finishedAt: new Date() })
    .where(and(eq(builds.id, buildId), eq(builds.status, "queued")))
    .run();
  if (changed.changes > 0) {
    // Its credentials were only waiting for it to start.
    takeBuildSecrets(buildId);
    signalBuildChanged(buildId);
    return true;
  }
  return false;
}

/**
 * At start-up: builds a previous process left running can no longer be
 * followed; they are marked interrupted, and what they started on the engine
 * is stopped (in the background: an engine that does not answer must not
 * hold up the start). Queued ones start again.
 */
export function recoverBuilds() {
  const db = getDb();
  const stale = db
    .update(builds)
    .set({ status: "interrupted", error: INTERRUPTED, finishedAt: new Date() })
    .where(and(inArray(builds.status, ["running"])))
    .returning({ id: builds.id })
    .all()
    .filter((b) => !queue.running.has(b.id));
  // Shards still queued belong to a coordinator that is gone: nobody would merge them.
  db.update(builds)
    .set({ status: "cancelled", error: "the dashboard stopped while its sharded build ran", finishedAt: new Date() })
    .where(and(eq(builds.status, "queued"), isNotNull(builds.parentId)))
    .run();
  stopLeftoverEngineWork().catch((error: unknown) => log().error({ err: error }, "could not look for work left on the engine"));
  pumpBuildQueue();
  return stale.length;
}

/** Stops the engine work of builds that no process follows any more; says in each build's log what was stopped. */
export async function stopLeftoverEngineWork() {
  const { dockerHost, dockerTlsVerify, dockerCertPath } = env();
  const known = new Map(listEngineRows().map((e) => [e.url, e]));
  for (const [buildId, work] of leftoverEngineWork(new Set(queue.running.keys()))) {
    const row = known.get(work.dockerHost);
    // An engine no longer configured gets a client for this once.
    const once = work.dockerHost !== dockerHost && !row ? createEngineClient({ dockerHost: work.dockerHost, tlsVerify: dockerTlsVerify, certPath: dockerCertPath }) : null;
    const engine = once ?? (row ? clientForEngine(row) : defaultEngine());
    try {
      const stopped = await stopEngineWork(engine, work);
      forgetEngineWork(buildId);
      const logs = new LogWriter(getDb(), buildId);
      logs.note(`kobuild: the dashboard stopped while this build ran; ${stopped.length > 0 ? stopped.join("; ") : "nothing of it was left on the engine"}`);
      logs.flush();
    } catch (error) {
      // Kept for the next start; the engine may be back by then.
      log().error({ buildId, engine: addressWithoutPassword(work.dockerHost), error: (error as Error).message }, "could not stop what the build left on the engine");
    } finally {
      if (once) closeEngineClient(once);
    }
  }
}
