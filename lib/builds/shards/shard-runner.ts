import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { builds, tasks } from "@/lib/db/schema";
import { healthyEngines } from "@/lib/engines/engine-health";
import type { EngineRow } from "@/lib/engines/engine-store";
import { cancelBuild, pumpBuildQueue } from "../build-queue";
import { keepBuildSecrets, type BuildSecrets } from "../build-secrets";
import { signalBuildChanged, waitForAnyBuildChange } from "../build-signals";
import type { BuildSession } from "../build-session";
import type { StoredBuildOptions } from "@/lib/build-options";
import { chooseRetryEngine } from "./choose-engine";
import { ACTIVE_BUILD_STATUSES } from "@/lib/vocabulary";

export type ShardPlan = { index: number; kernels: string[]; bundleIds: number[]; tasks: number };

export type DoneShard = { index: number; status: "done"; ref: string; engineId: string; buildId: number };
export type ShardResult = DoneShard | { index: number; status: "gave-up"; reason: string; kernels: string[] };

export type ShardRunSettings = {
  secrets: BuildSecrets;
  /** A shard's build options on an engine (its bundles, the push to the registry when its engine is not the coordinator's). */
  optionsOf: (shard: ShardPlan, engineId: string) => StoredBuildOptions;
  /** Told of each shard as soon as it is done, while the others still build. */
  onDone?: (shard: DoneShard) => void;
  /** Told of each shard given up, while the others still build. */
  onGaveUp?: (shard: ShardPlan) => void;
  /** Where a shard's image goes: the same tag whatever the attempt, so the merge names it once. */
  refOf: (shard: ShardPlan) => string;
  maxAttempts: number;
  /** Engines a shard may run on (without a registry, only the default one). */
  eligible: (engineId: string) => boolean;
};

type Attempt = { buildId: number; engineId: string };
type ShardState = { shard: ShardPlan; attempts: Attempt[]; result: ShardResult | null };

const POLL_MS = 1000;

/**
 * Runs every shard as a build of its own on its engine (queued like any
 * build, within the engine's concurrency) and waits for them all. A shard
 * whose build fails (its engine died, or the build itself broke) is queued
 * again on another engine that answers, up to `maxAttempts` builds; after
 * that, or with no engine left, the shard is given up and the others go on.
 * Progress of the shards adds up to the coordinator's "n of m"; each
 * finished shard's task results become the coordinator's. Cancelling the
 * coordinator cancels every shard.
 */
export async function runShards(session: BuildSession, shards: ShardPlan[], engines: EngineRow[], settings: ShardRunSettings): Promise<ShardResult[]> {
  const names = new Map(engines.map((e) => [e.id, e.name]));
  const states: ShardState[] = shards.map((shard) => ({ shard, attempts: [], result: null }));
  const plannedProgress = readProgress(session);
  let written: string | null = null;
  states.forEach((state, i) => {
    const engine = engines[i % engines.length]!;
    queueAttempt(session, state, engine.id, settings);
    session.note(`shard ${state.shard.index}: ${state.shard.kernels.length} kernel(s), ${state.shard.tasks} task(s), on engine ${engine.name} (build #${state.attempts[0]!.buildId})`, "shards");
  });
  pumpBuildQueue();

  try {
    while (states.some((s) => s.result === null)) {
      // A shard's build signals every change; the timeout only bounds how stale the progress can get.
      const why = await waitForAnyBuildChange(states.filter((s) => !s.result).map((s) => s.attempts.at(-1)!.buildId), POLL_MS, session.signal);
      // Changes come in bursts (a shard's log lines): one look per burst.
      if (why === "changed") await sleep(100, session.signal);
      session.signal.throwIfAborted();
      const latest = latestRows(session, states);
      for (const state of states) {
        if (state.result) continue;
        const attempt = state.attempts.at(-1)!;
        const row = latest.get(attempt.buildId);
        if (!row || row.status === "queued" || row.status === "running") continue;
        if (row.status === "succeeded") {
          copyTaskResults(session, attempt.buildId);
          const done: DoneShard = { index: state.shard.index, status: "done", ref: settings.refOf(state.shard), engineId: attempt.engineId, buildId: attempt.buildId };
          state.result = done;
          session.note(`shard ${state.shard.index}: done on engine ${names.get(attempt.engineId) ?? attempt.engineId} (build #${attempt.buildId})`, "shards");
          settings.onDone?.(done);
          continue;
        }
        if (row.status === "cancelled") {
          giveUp(session, state, settings, `build #${attempt.buildId} was cancelled`);
          continue;
        }
        const why = row.error ?? `its build ended ${row.status}`;
        if (state.attempts.length >= settings.maxAttempts) {
          giveUp(session, state, settings, `${state.attempts.length} attempt(s) failed; the last: ${why}`);
          continue;
        }
        const healthy = (await healthyEngines({ fresh: true })).filter((e) => settings.eligible(e.id));
        for (const e of healthy) names.set(e.id, e.name);
        const load = new Map<string, number>();
        for (const s of states) if (!s.result && s !== state) load.set(s.attempts.at(-1)!.engineId, (load.get(s.attempts.at(-1)!.engineId) ?? 0) + 1);
        const next = chooseRetryEngine(healthy.map((e) => e.id), state.attempts.map((a) => a.engineId), load);
        if (!next) {
          giveUp(session, state, settings, `build #${attempt.buildId} failed (${why}) and no engine answers to try again`);
          continue;
        }
        queueAttempt(session, state, next, settings);
        session.note(
          `shard ${state.shard.index}: build #${attempt.buildId} on engine ${names.get(attempt.engineId) ?? attempt.engineId} failed (${why}); ` +
            `attempt ${state.attempts.length} of ${settings.maxAttempts} on engine ${names.get(next) ?? next} (build #${state.attempts.at(-1)!.buildId})`,
          "shards",
        );
        pumpBuildQueue();
      }
      written = updateProgress(session, states, plannedProgress, written);
    }
  } catch (error) {
    if (session.signal.aborted) await cancelShards(session, states);
    throw error;
  }
  updateProgress(session, states, plannedProgress, written);
  return states.map((s) => s.result!);
}

function queueAttempt(session: BuildSession, state: ShardState, engineId: string, settings: ShardRunSettings) {
  const { build } = session;
  const row = session.db
    .insert(builds)
    .values({
      kind: "drivers",
      workspaceId: build.workspaceId,
      branch: build.branch,
      engineId,
      options: settings.optionsOf(state.shard, engineId),
      tag: settings.refOf(state.shard),
      startedBy: build.startedBy,
      parentId: build.id,
      shard: state.shard.index,
      attempt: state.attempts.length + 1,
    })
    .returning({ id: builds.id })
    .get();
  keepBuildSecrets(row.id, settings.secrets);
  state.attempts.push({ buildId: row.id, engineId });
}

function giveUp(session: BuildSession, state: ShardState, settings: ShardRunSettings, reason: string) {
  state.result = { index: state.shard.index, status: "gave-up", reason, kernels: state.shard.kernels };
  session.warn(`shard ${state.shard.index} could not finish (${reason}); its ${state.shard.kernels.length} kernel(s) are missing from the result`);
  settings.onGaveUp?.(state.shard);
}

function latestRows(session: BuildSession, states: ShardState[]) {
  const ids = states.filter((s) => !s.result).map((s) => s.attempts.at(-1)!.buildId);
  const rows = ids.length
    ? session.db.select({ id: builds.id, status: builds.status, error: builds.error }).from(builds).where(inArray(builds.id, ids)).all()
    : [];
  return new Map(rows.map((r) => [r.id, r]));
}

type Progress = Record<string, { planned: number; done: number; failed: number }>;

function readProgress(session: BuildSession): Progress {
  const row = session.db.select({ progress: builds.progress }).from(builds).where(eq(builds.id, session.buildId)).get();
  return row?.progress ?? {};
}

/**
 * The coordinator's "n of m": the plan's tasks, and what the current attempt
 * of every shard has done. Written only when a count changed (`written` is
 * what was written last); returns what is written now.
 */
function updateProgress(session: BuildSession, states: ShardState[], planned: Progress, written: string | null) {
  const ids = states.map((s) => s.attempts.at(-1)!.buildId);
  const rows = session.db.select({ progress: builds.progress }).from(builds).where(inArray(builds.id, ids)).all();
  const progress: Progress = Object.fromEntries(Object.entries(planned).map(([b, c]) => [b, { planned: c.planned, done: 0, failed: 0 }]));
  for (const row of rows) {
    for (const [builder, c] of Object.entries(row.progress)) {
      const p = (progress[builder] ??= { planned: 0, done: 0, failed: 0 });
      p.done += c.done;
      p.failed += c.failed;
    }
  }
  const done = Object.values(progress).reduce((n, c) => n + c.done, 0);
  const now = JSON.stringify(progress);
  if (now !== written) session.db.update(builds).set({ progress, doneTasks: done }).where(eq(builds.id, session.buildId)).run();
  // The page's lanes follow the shards (their stages, their status) through the coordinator's events.
  signalBuildChanged(session.buildId);
  return now;
}

/** A finished shard's results (built, failed, unavailable) replace the coordinator's planned tasks. */
function copyTaskResults(session: BuildSession, shardBuildId: number) {
  session.db.run(sql`
    UPDATE ${tasks} SET state = c.state, seconds_ms = c.seconds_ms
    FROM (SELECT kernel, module_version, flavour, state, seconds_ms FROM ${tasks} WHERE build_id = ${shardBuildId} AND state IN ('built', 'failed', 'unavailable')) AS c
    WHERE ${tasks.buildId} = ${session.buildId} AND ${tasks.kernel} = c.kernel AND ${tasks.moduleVersion} = c.module_version AND ${tasks.flavour} = c.flavour`);
}

async function cancelShards(session: BuildSession, states: ShardState[]) {
  const active = states.flatMap((s) => s.attempts.map((a) => a.buildId));
  for (const id of active) cancelBuild(id);
  // Waits (bounded) for the engines to stop, so that "cancelled" means nothing runs any more.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const open = session.db
      .select({ id: builds.id })
      .from(builds)
      .where(and(inArray(builds.id, active), inArray(builds.status, [...ACTIVE_BUILD_STATUSES])))
      .all();
    if (open.length === 0) break;
    for (const { id } of open) cancelBuild(id);
    await sleep(POLL_MS);
  }
  session.note(`cancelled ${states.length} shard(s)`, "shards");
}

function sleep(ms: number, signal?: AbortSignal) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

