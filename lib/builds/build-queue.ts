import "server-only";
import { and, asc, eq, inArray } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { builds } from "@/lib/db/schema";
import { createEngineClient, getDefaultEngine } from "@/lib/docker/engine";
import { env } from "@/lib/env";
import { takeBuildSecrets } from "./build-secrets";
import { signalBuildChanged } from "./build-signals";
import { forgetEngineWork, leftoverEngineWork, stopEngineWork } from "./engine-work";
import { LogWriter } from "./log-writer";
import { runBuild } from "./run-build";

// Builds wait in the database (status "queued") and start in FIFO order, at
// most `KOBUILD_BUILDS_PER_ENGINE` at once. Only running builds live here.
type Queue = { running: Map<number, AbortController>; pumping: boolean };
const holder = globalThis as unknown as { kobuildQueue?: Queue };
const queue = (holder.kobuildQueue ??= { running: new Map(), pumping: false });

/** Starts queued builds while there is room. Safe to call any time. */
export function pumpBuildQueue() {
  if (queue.pumping) return;
  queue.pumping = true;
  try {
    const db = getDb();
    const limit = env().buildsPerEngine;
    while (queue.running.size < limit) {
      const next = db
        .select({ id: builds.id })
        .from(builds)
        .where(and(eq(builds.status, "queued")))
        .orderBy(asc(builds.id))
        .limit(queue.running.size + 1)
        .all()
        .find((b) => !queue.running.has(b.id));
      if (!next) break;
      const controller = new AbortController();
      queue.running.set(next.id, controller);
      void runBuild(next.id, controller.signal)
        .catch((error: unknown) => console.error(`kobuild: build ${next.id} crashed`, error))
        .finally(() => {
          queue.running.delete(next.id);
          pumpBuildQueue();
        });
    }
  } finally {
    queue.pumping = false;
  }
}

/** Cancels a queued or running build. Returns false when it had already ended. */
export function cancelBuild(buildId: number): boolean {
  const running = queue.running.get(buildId);
  if (running) {
    // The engine stops the build when its client goes away.
    running.abort();
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
    .set({ status: "interrupted", error: "the dashboard stopped while this build ran", finishedAt: new Date() })
    .where(and(inArray(builds.status, ["running"])))
    .returning({ id: builds.id })
    .all()
    .filter((b) => !queue.running.has(b.id));
  stopLeftoverEngineWork().catch((error: unknown) => console.error("kobuild: could not look for work left on the engine", error));
  pumpBuildQueue();
  return stale.length;
}

/** Stops the engine work of builds that no process follows any more; says in each build's log what was stopped. */
export async function stopLeftoverEngineWork() {
  const { dockerHost, dockerTlsVerify, dockerCertPath } = env();
  for (const [buildId, work] of leftoverEngineWork(new Set(queue.running.keys()))) {
    const engine = work.dockerHost === dockerHost ? getDefaultEngine() : createEngineClient({ dockerHost: work.dockerHost, tlsVerify: dockerTlsVerify, certPath: dockerCertPath });
    try {
      const stopped = await stopEngineWork(engine, work);
      forgetEngineWork(buildId);
      const logs = new LogWriter(getDb(), buildId);
      logs.note(`kobuild: the dashboard stopped while this build ran; ${stopped.length > 0 ? stopped.join("; ") : "nothing of it was left on the engine"}`);
      logs.flush();
    } catch (error) {
      // Kept for the next start; the engine may be back by then.
      console.error(`kobuild: could not stop what build ${buildId} left on the engine ${work.dockerHost}: ${(error as Error).message}`);
    }
  }
}
