import "server-only";
import fs from "node:fs";
import path from "node:path";
import { eq, inArray } from "drizzle-orm";
import type Docker from "dockerode";
import { getDb, type Db } from "@/lib/db/client";
import { builds, bundles, workspaces } from "@/lib/db/schema";
import { getDefaultEngine } from "@/lib/docker/engine";
import { drainResponse } from "@/lib/docker/drain-response";
import { ensureEmptyCacheImage } from "@/lib/docker/ensure-empty-cache-image";
import { probeEngine } from "@/lib/docker/probe-engine";
import { createBuildKitDecoder } from "@/lib/docker/progress/buildkit-decoder";
import { createClassicDecoder } from "@/lib/docker/progress/classic-decoder";
import { createEmptyTraceGuard } from "@/lib/docker/progress/empty-trace-guard";
import type { BuildEvent } from "@/lib/docker/progress/events";
import { createJsonLineSplitter } from "@/lib/docker/progress/json-lines";
import { bundlePath } from "@/lib/bundles/bundle-path";
import { toBuildArgs, type DriverBuildOptions } from "./build-args";
import { streamBuildContext } from "./build-context";
import { takeBuildSecrets } from "./build-secrets";
import { signalBuildChanged } from "./build-signals";
import { parseDockerfileStages } from "./dockerfile-stages";
import { LogWriter } from "./log-writer";
import { createSecretMasker } from "./secret-masker";
import { StageTracker } from "./stage-tracker";
import { storeDriverImage } from "./store-driver-image";
import { TaskProgressTracker } from "./task-progress";

export type StoredBuildOptions = DriverBuildOptions & { bundleIds: number[] | null; redhatCredentials: boolean };

type Outcome = { status: "succeeded" | "failed" | "cancelled"; error?: string; failedStep?: string };

/**
 * Runs one queued driver build on the engine to its end: streams the context,
 * decodes the engine's progress into stages, steps, log lines and task
 * progress, and reads the drivers out of the image it made.
 */
export async function runBuild(buildId: number, signal: AbortSignal, engine: Docker = getDefaultEngine()) {
  const db = getDb();
  const build = db.select().from(builds).where(eq(builds.id, buildId)).get();
  if (!build || build.status !== "queued") return;
  const secrets = takeBuildSecrets(buildId);
  const mask = createSecretMasker([secrets.redhatUsername, secrets.redhatPassword]);
  const logs = new LogWriter(db, buildId);
  db.update(builds).set({ status: "running", startedAt: new Date() }).where(eq(builds.id, buildId)).run();
  signalBuildChanged(buildId);

  let tracker: StageTracker | null = null;
  let outcome: Outcome;
  const warnings: string[] = [];
  try {
    const workspace = db.select().from(workspaces).where(eq(workspaces.id, build.workspaceId!)).get();
    if (!workspace) throw new Error("the build's workspace no longer exists");
    const options = build.options as unknown as StoredBuildOptions;
    const engineState = await probeEngine(engine);
    if (!engineState.reachable) throw new Error(`cannot reach the Docker engine: ${engineState.error}`);
    if (options.builder === "buildkit" && !engineState.buildkit) throw new Error("the engine has no BuildKit; choose the classic builder");
    const useBuildKit = options.builder === "classic" ? false : engineState.buildkit;
    db.update(builds).set({ builder: useBuildKit ? "buildkit" : "classic" }).where(eq(builds.id, buildId)).run();

    const dockerfile = path.join(workspace.path, workspace.dockerfile);
    const declared = parseDockerfileStages(await fs.promises.readFile(dockerfile, "utf8"));
    tracker = new StageTracker(db, buildId, declared);
    if (!options.cacheRepo) await ensureEmptyCacheImage(engine);
    const bundleFiles = selectBundleFiles(db, options.bundleIds);
    logs.note(
      `kobuild: building ${workspace.name} at ${options.branch} with ${bundleFiles.length} bundle(s), ` +
        `${useBuildKit ? "BuildKit" : "the classic builder"} on Docker ${engineState.version}`,
    );

    const response = (await engine.buildImage(streamBuildContext({ workspacePath: workspace.path, bundleFiles }), {
      dockerfile: `collector/${workspace.dockerfile}`,
      // Absent keys must stay absent: the query string would carry an empty value.
      ...(build.tag ? { t: build.tag } : {}),
      ...(build.target ? { target: build.target } : {}),
      buildargs: toBuildArgs(options, secrets),
      // Intermediate containers of the classic builder go away even when a step fails.
      rm: true,
      // Builds never reach a network: engines here run without a bridge, and drivers need none.
      networkmode: "none",
      forcerm: true,
      ...(useBuildKit ? { version: "2" } : {}),
      abortSignal: signal,
    } as Docker.ImageBuildOptions)) as NodeJS.ReadableStream;

    const decoder = useBuildKit ? createBuildKitDecoder() : createClassicDecoder();
    const splitter = createJsonLineSplitter();
    const tasks = new TaskProgressTracker(db, buildId);
    const seen = { imageId: null as string | null, error: null as string | null, warnings };
    // BuildKit leaves out the stage name (`[1/2] RUN ...`) when a Dockerfile has a single stage.
    const onlyStage = declared.length === 1 ? declared[0]! : null;
    const stageByKey = new Map<string, string>();
    const handle = (raw: BuildEvent) => {
      let event = raw;
      if (onlyStage && raw.type === "step" && raw.stage === null && /^\[\d+\/\d+\] /.test(raw.name)) {
        stageByKey.set(raw.key, onlyStage);
        event = { ...raw, stage: onlyStage };
      } else if (raw.type === "log" && raw.stage === null && stageByKey.has(raw.key)) {
        event = { ...raw, stage: stageByKey.get(raw.key)! };
      }
      applyEvent(event, { db, buildId, logs, tracker: tracker!, tasks, mask, seen });
    };

    const guard = createEmptyTraceGuard();
    await drainResponse(response, (chunks) => {
      for (const chunk of chunks) {
        for (const message of splitter.push(chunk)) {
          if (!guard.see(message)) continue;
          for (const event of decoder.push(message)) {
            if (event.type === "image" || event.type === "error") guard.buildEnded();
            handle(event);
          }
        }
      }
      return guard.shouldClose();
    });
    if (guard.flooded) {
      handle({
        type: "warning",
        kind: "other",
        message:
          "the engine's BuildKit stopped sending log output and sent empty progress messages instead (a fault of BuildKit in Docker 20.10 after a very large log); the end of a step's log may be missing. Newer engines, or the classic builder, keep every line.",
      });
    }
    for (const message of splitter.end()) for (const event of decoder.push(message)) handle(event);
    for (const event of decoder.end()) handle(event);
    tasks.flush();

    if (signal.aborted) outcome = { status: "cancelled" };
    else if (seen.error || !seen.imageId) {
      const step = tracker.failedStep();
      outcome = { status: "failed", error: seen.error ?? "the engine ended the build without an image", failedStep: step ? mask(step.name) : undefined };
    } else {
      if (!build.target) {
        logs.note("kobuild: reading /kernel-modules and /FAILURES from the image");
        logs.flush();
        const stored = await storeDriverImage(db, engine, seen.imageId, { tag: build.tag, signal });
        db.update(builds).set({ imageId: stored.imageId }).where(eq(builds.id, buildId)).run();
        logs.note(`kobuild: ${stored.drivers} driver file(s) and marker(s), ${stored.failures} failure log(s)`);
      }
      outcome = { status: "succeeded" };
    }
  } catch (error) {
    if (signal.aborted) outcome = { status: "cancelled" };
    else {
      const step = tracker?.failedStep();
      outcome = { status: "failed", error: mask(describeFailure(error)), failedStep: step ? mask(step.name) : undefined };
    }
  }

  if (outcome.status === "cancelled") logs.note("kobuild: the build was cancelled");
  else if (outcome.error) logs.note(`kobuild: ${outcome.error}`);
  logs.flush();
  tracker?.finish(outcome.status);
  db.update(builds)
    .set({ status: outcome.status, error: outcome.error ?? null, failedStep: outcome.failedStep ?? null, warnings, finishedAt: new Date() })
    .where(eq(builds.id, buildId))
    .run();
  signalBuildChanged(buildId);
}

type Context = {
  db: Db;
  buildId: number;
  logs: LogWriter;
  tracker: StageTracker;
  tasks: TaskProgressTracker;
  mask: (text: string) => string;
  seen: { imageId: string | null; error: string | null; warnings: string[] };
};

function applyEvent(event: BuildEvent, c: Context) {
  switch (event.type) {
    case "log": {
      const text = c.mask(event.text);
      c.logs.write({ stage: event.stage, step: event.key, stream: event.stream, ts: event.ts, text });
      c.tasks.line(text);
      break;
    }
    case "step":
      c.tracker.apply({ ...event, name: c.mask(event.name), error: event.error ? c.mask(event.error) : undefined });
      signalBuildChanged(c.buildId);
      break;
    case "image":
      c.seen.imageId = event.id;
      break;
    case "error":
      c.seen.error = c.mask(event.message);
      break;
    case "warning": {
      const message = c.mask(event.message);
      if (!c.seen.warnings.includes(message)) c.seen.warnings.push(message);
      c.logs.note(`kobuild: warning: ${message}`);
      break;
    }
  }
}

function selectBundleFiles(db: Db, ids: number[] | null) {
  const rows = ids ? db.select().from(bundles).where(inArray(bundles.id, ids)).all() : db.select().from(bundles).all();
  return rows.map((b) => bundlePath(b.kernel));
}

function describeFailure(error: unknown): string {
  const e = error as { code?: string; message?: string; statusCode?: number; json?: { message?: string } };
  if (e.code === "ECONNREFUSED" || e.code === "ENOENT" || e.code === "ECONNRESET" || e.code === "EPIPE") {
    return `lost the Docker engine (${e.code})`;
  }
  return e.json?.message ?? e.message ?? String(error);
}
