import "server-only";
import { eq } from "drizzle-orm";
import type Docker from "dockerode";
import { buildOptionsView } from "@/lib/build-options";
import { getDb } from "@/lib/db/client";
import { keepDiskReserve, releaseDiskReserve } from "@/lib/db/disk-reserve";
import { builds } from "@/lib/db/schema";
import { clientForEngine, defaultEngine } from "@/lib/engines/engine-clients";
import { DEFAULT_ENGINE_ID, findEngineRow } from "@/lib/engines/engine-store";
import { ContextStalled } from "@/lib/docker/context-watchdog";
import { PRODUCT_NAMES, probeEngine, probeEnginePatiently, type EngineProduct } from "@/lib/docker/probe-engine";
import { env } from "@/lib/env";
import { buildLog } from "@/lib/log/logger";
import { metrics } from "@/lib/metrics/metrics";
import { takeBuildSecrets, type BuildSecrets } from "./build-secrets";
import { BuildSession, EngineBuildFailed, type BuildRecipe } from "./build-session";
import { signalBuildChanged } from "./build-signals";
import { forgetEngineWork } from "./engine-work";
import { isDiskFull, LogWriter } from "./log-writer";
import { createSecretMasker } from "./secret-masker";
import { TaskProgressTracker } from "./task-progress";

/** The recipe for a build of its kind: the table of kinds is given at start-up (lib/build-kinds). */
export type RecipeFor = (build: typeof builds.$inferSelect, secrets: BuildSecrets) => BuildRecipe;

type Outcome = { status: "succeeded" | "partial" | "failed" | "cancelled"; error?: string; failedStep?: string };

/**
 * Runs one queued build of any kind on the engine to its end. What is common
 * (status, engine check, log, stages, warnings, the outcome) lives here and
 * in BuildSession; what a driver build, a merge, a squash or a collector
 * image does lives in its recipe. Answers whether it ran the build (false:
 * it was not queued any more, and nothing of it changed).
 */
export async function runBuild(buildId: number, signal: AbortSignal, recipeFor: RecipeFor): Promise<boolean> {
  const db = getDb();
  const build = db.select().from(builds).where(eq(builds.id, buildId)).get();
  if (!build || build.status !== "queued") return false;
  // Null when the build's engine was removed meanwhile: the build then fails saying so.
  const engineRow = findEngineRow(build.engineId ?? DEFAULT_ENGINE_ID);
  const engine: Docker = engineRow ? clientForEngine(engineRow) : defaultEngine();
  const secrets = takeBuildSecrets(buildId);
  // Space freed since the last full disk is held again for the next one.
  keepDiskReserve(db.$client.name);
  const mask = createSecretMasker({ names: [secrets.redhatUsername], passwords: [secrets.redhatPassword] });
  let session: BuildSession | null = null;
  // A full disk stops the build (nothing of it could be kept); it fails saying so rather than staying "running".
  const diskFull = new AbortController();
  const buildSignal = AbortSignal.any([signal, diskFull.signal]);
  const logs = new LogWriter(db, buildId, {
    maxBytes: env().maxLogBytes,
    onLimit: (message) => session?.warn(message),
    onDiskFull: () => diskFull.abort(),
  });
  const startedAt = Date.now();
  const events = buildLog(buildId, build.engineId ?? DEFAULT_ENGINE_ID, build.kind);
  db.update(builds).set({ status: "running", startedAt: new Date(startedAt) }).where(eq(builds.id, buildId)).run();
  signalBuildChanged(buildId);
  events.info("build started");

  let outcome: Outcome;
  try {
    const options = buildOptionsView(build.options);
    if (!engineRow) throw new Error("the build's engine was removed from kobuild");
    const engineState = await probeEnginePatiently(engine);
    if (!engineState.reachable) throw new Error(`cannot reach the Docker engine: ${engineState.error}`);
    if (options.builder === "buildkit" && !engineState.buildkit) throw new Error(noBuildKit(engineState.product, engineState.version));
    const useBuildKit = options.builder === "classic" ? false : engineState.buildkit;
    db.update(builds).set({ builder: useBuildKit ? "buildkit" : "classic" }).where(eq(builds.id, buildId)).run();

    const engineName = `${PRODUCT_NAMES[engineState.product]} ${engineState.version}`;
    session = new BuildSession(db, engine, build, buildSignal, logs, new TaskProgressTracker(db, buildId), mask, useBuildKit, engineName);
    session.engineAddress = engineRow.url;
    const result = await recipeFor(build, secrets)(session);
    if (result.imageRecordId !== null) db.update(builds).set({ imageId: result.imageRecordId }).where(eq(builds.id, buildId)).run();
    outcome = result.partial ? { status: "partial", error: mask(result.partial) } : { status: "succeeded" };
  } catch (error) {
    if (signal.aborted) outcome = { status: "cancelled" };
    else if (logs.diskFull || isDiskFull(error)) outcome = { status: "failed", error: logs.diskFull ?? `the disk is full: the build's records could not be stored (${(error as { code?: string }).code})` };
    else {
      const step = session?.tracker?.failedStep();
      // A wedged engine may not answer a probe either; its stall says more than "lost".
      const lost = session && !(error instanceof ContextStalled) ? await engineLost(engine) : null;
      outcome = { status: "failed", error: mask(lost ?? describeFailure(error)), failedStep: step ? mask(step.name) : undefined };
    }
  }
  forgetEngineWork(buildId);

  if (outcome.status === "cancelled") logs.note("kobuild: the build was cancelled");
  else if (outcome.error) logs.note(`kobuild: ${outcome.error}`);
  logs.flush();
  const ended = () =>
    db.update(builds)
      .set({ status: outcome.status, error: outcome.error ?? null, failedStep: outcome.failedStep ?? null, warnings: session?.warnings ?? [], finishedAt: new Date() })
      .where(eq(builds.id, buildId))
      .run();
  try {
    session?.tracker?.finish(outcome.status === "partial" ? "succeeded" : outcome.status);
    ended();
  } catch (error) {
    if (!isDiskFull(error)) throw error;
    // The stages could not be written; the outcome must be, or the build would stay "running".
    // The space held for this moment is given back, so this small write finds room.
    releaseDiskReserve(db.$client.name);
    if (outcome.status !== "failed" || !outcome.error?.startsWith("the disk is full")) {
      outcome = { status: "failed", error: `the disk is full: the build's records could not be stored (${(error as { code?: string }).code})` };
    }
    ended();
  }
  signalBuildChanged(buildId);
  const seconds = (Date.now() - startedAt) / 1000;
  metrics().buildsEnded.inc({ kind: build.kind, status: outcome.status });
  metrics().buildDuration.observe({ kind: build.kind, status: outcome.status }, seconds);
  if (logs.droppedLines > 0) metrics().logLinesDropped.inc(logs.droppedLines);
  // The error is the build's own (masked) words: what its page shows.
  events[outcome.status === "failed" ? "warn" : "info"]({ status: outcome.status, seconds, error: outcome.error, failedStep: outcome.failedStep }, "build ended");
  return true;
}

/**
 * Asked after a build failed on the engine: an engine that stopped or went
 * away mid-build ends the response in many ways (a reset connection, a cut
 * stream, an error of its own as it shuts down); whether it still answers
 * says which it was.
 */
async function engineLost(engine: Docker): Promise<string | null> {
  let state = await probeEnginePatiently(engine);
  // A connection to an engine that is just dying may be reset rather than
  // refused; asked again a moment later it gives its settled answer.
  for (let i = 0; i < 3 && !state.reachable && /ECONNRESET|EPIPE|socket hang up/.test(state.error); i++) {
    await new Promise((r) => setTimeout(r, 300));
    state = await probeEngine(engine);
  }
  return state.reachable ? null : `lost the Docker engine during the build (${state.error})`;
}

function noBuildKit(product: EngineProduct, version: string): string {
  return product === "podman"
    ? `the engine is Podman ${version}, whose Docker-compatible service has no BuildKit: choose the classic builder (or auto)`
    : `the engine (Docker ${version}) has no BuildKit; choose the classic builder`;
}

function describeFailure(error: unknown): string {
  if (error instanceof EngineBuildFailed) return error.message;
  const e = error as { code?: string; message?: string; statusCode?: number; json?: { message?: string } };
  if (e.code === "ECONNREFUSED" || e.code === "ENOENT" || e.code === "ECONNRESET" || e.code === "EPIPE") {
    return `lost the Docker engine (${e.code})`;
  }
  return e.json?.message ?? e.message ?? String(error);
}
