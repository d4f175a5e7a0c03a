import "server-only";
import { eq } from "drizzle-orm";
import type Docker from "dockerode";
import type { Db } from "@/lib/db/client";
import { builds } from "@/lib/db/schema";
import { ContextStalled } from "@/lib/docker/context-watchdog";
import { postBuild, sendBuildContext, type ContextDelivery, type EngineContext } from "@/lib/docker/send-build-context";
import { drainResponse } from "@/lib/docker/drain-response";
import { createBuildKitDecoder } from "@/lib/docker/progress/buildkit-decoder";
import { createClassicDecoder } from "@/lib/docker/progress/classic-decoder";
import { createEmptyTraceGuard } from "@/lib/docker/progress/empty-trace-guard";
import type { BuildEvent } from "@/lib/docker/progress/events";
import { createJsonLineSplitter } from "@/lib/docker/progress/json-lines";
import { env } from "@/lib/env";
import type { BuildNetwork } from "@/lib/vocabulary";
import { signalBuildChanged } from "./build-signals";
import { buildkitJobId, noteEngineWork } from "./engine-work";
import type { LogWriter } from "./log-writer";
import { StageTracker } from "./stage-tracker";
import type { StageStatus } from "./stage-status";
import type { TaskProgressTracker } from "./task-progress";

export type BuildRow = typeof builds.$inferSelect;

/** One `docker build` on the engine. */
export type EngineBuildRequest = {
  context: EngineContext;
  /** Path of the Dockerfile inside the context. */
  dockerfile: string;
  /** The Dockerfile's stages: a single-stage file's steps are put under its one stage. */
  stages: string[];
  buildargs: Record<string, string>;
  tag?: string | null;
  target?: string | null;
  /** The network of RUN steps; `default` or absent: the engine's default. */
  network?: BuildNetwork;
  noCache?: boolean;
  pull?: boolean;
};

/** Where a run's steps go: an operation made of several builds files each one under a stage of its own. */
export type StepPlacement = { stage: string; keyPrefix: string };

export class EngineBuildFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EngineBuildFailed";
  }
}

/**
 * What every kind of build shares while it runs: the log, the stages and
 * steps, warnings, progress, and the engine itself. A recipe (the driver
 * build, a merge, a squash, a collector image) drives it.
 */
export class BuildSession {
  tracker: StageTracker | null = null;
  readonly warnings: string[] = [];
  /** The engine's address, for the record of work to stop should this process die. */
  engineAddress: string | undefined;
  private readonly stageListeners: ((stage: string, status: StageStatus) => void)[] = [];
  /** When each stage kobuild marks itself was first marked running (until it is marked ended). */
  private readonly markedRunning = new Map<string, number>();

  constructor(
    readonly db: Db,
    readonly engine: Docker,
    readonly build: BuildRow,
    readonly signal: AbortSignal,
    readonly logs: LogWriter,
    readonly tasks: TaskProgressTracker,
    readonly mask: (text: string) => string,
    readonly useBuildKit: boolean,
    /** The engine's product and version, as the log names it ("Docker 20.10.24", "Podman 4.3.1"). */
    readonly engineName: string,
  ) {}

  get buildId() {
    return this.build.id;
  }

  /** Called whenever a stage's status changes while the engine builds. */
  onStageChange(listener: (stage: string, status: StageStatus) => void) {
    this.stageListeners.push(listener);
  }

  /** The stages shown from the start, in order; the engine may add more. */
  declareStages(names: string[]) {
    this.tracker = new StageTracker(this.db, this.buildId, names);
  }

  note(text: string, stage: string | null = null) {
    this.logs.note(`kobuild: ${text}`, stage);
  }

  warn(message: string) {
    const masked = this.mask(message);
    if (!this.warnings.includes(masked)) this.warnings.push(masked);
    this.logs.note(`kobuild: warning: ${masked}`);
    this.db.update(builds).set({ warnings: this.warnings }).where(eq(builds.id, this.buildId)).run();
    signalBuildChanged(this.buildId);
  }

  /** A stage of kobuild's own work (a sharded build's "shards"), marked as one step of that stage. */
  markStage(stage: string, status: "running" | "done" | "failed" | "cancelled", name = stage) {
    if (!this.tracker) this.declareStages([stage]);
    const now = Date.now();
    // Marked running again under a new name ("3 of 7 merged"), a stage keeps the time it started.
    const startedAt = status === "running" ? (this.markedRunning.get(stage) ?? now) : undefined;
    if (startedAt !== undefined) this.markedRunning.set(stage, startedAt);
    else this.markedRunning.delete(stage);
    this.tracker!.apply({ type: "step", key: `kobuild:${stage}`, stage, name, status, startedAt, finishedAt: status === "running" ? undefined : now });
    signalBuildChanged(this.buildId);
  }

  /** "k of n" for operations made of steps kobuild counts itself (merges). */
  setProgress(done: number, planned: number) {
    this.db.update(builds).set({ doneTasks: done, plannedTasks: planned }).where(eq(builds.id, this.buildId)).run();
    signalBuildChanged(this.buildId);
  }

  /**
   * Runs one `docker build` to its end and returns the image id. Its
   * progress becomes steps, stages and log lines; a failure throws
   * EngineBuildFailed with the engine's message; an engine that stops
   * taking the context throws ContextStalled.
   */
  async runOnEngine(request: EngineBuildRequest, placement?: StepPlacement): Promise<string> {
    if (!this.tracker) this.declareStages(placement ? [placement.stage] : request.stages);
    const buildkitJob = this.useBuildKit ? buildkitJobId(this.buildId) : null;
    noteEngineWork(this.buildId, { buildkitJob, container: null }, this.engineAddress);
    const startedAt = Date.now();
    try {
      return await sendBuildContext(this.engine, request.context, { useBuildKit: this.useBuildKit, stallSeconds: env().contextStallSeconds, signal: this.signal, onSessionSent: (sent) => this.note(describeSent(sent)) }, (context, signal) =>
        this.sendBuild(context, signal, request, buildkitJob, placement),
      );
    } catch (error) {
      if (error instanceof ContextStalled) this.contextStalled(error, startedAt, placement ?? { stage: request.stages[0] ?? null, keyPrefix: "" });
      throw error;
    }
  }

  /**
   * The engine stopped taking the context: the sending is shown as a failed
   * step of the first stage (or the run's own), so that the stage reads
   * failed and the build names what failed.
   */
  private contextStalled(error: ContextStalled, startedAt: number, where: { stage: string | null; keyPrefix: string }) {
    if (!where.stage) return;
    const step = { type: "step", key: `${where.keyPrefix}kobuild:context`, stage: where.stage, name: "send the build context to the engine", status: "failed", startedAt, finishedAt: Date.now(), error: error.message } as const;
    this.apply(step, { imageId: null, error: null });
  }

  private async sendBuild(context: ContextDelivery, signal: AbortSignal, request: EngineBuildRequest, buildkitJob: string | null, placement?: StepPlacement): Promise<string> {
    const response = await postBuild(this.engine, context, signal, {
      dockerfile: request.dockerfile,
      // Absent keys must stay absent: the query string would carry an empty value.
      ...(request.tag ? { t: request.tag } : {}),
      ...(request.target ? { target: request.target } : {}),
      buildargs: request.buildargs,
      // Intermediate containers of the classic builder go away even when a step fails.
      rm: true,
      forcerm: true,
      // As `docker build --network`: the engine's default unless the build chose one.
      ...(request.network && request.network !== "default" ? { networkmode: request.network } : {}),
      ...(request.noCache ? { nocache: true } : {}),
      ...(request.pull ? { pull: "1" } : {}),
      // Named, so that a later start can cancel the job should this process die with it.
      ...(buildkitJob ? { version: "2", buildid: buildkitJob } : {}),
    });

    const decoder = this.useBuildKit ? createBuildKitDecoder() : createClassicDecoder();
    const splitter = createJsonLineSplitter();
    const seen = { imageId: null as string | null, error: null as string | null };
    // BuildKit leaves out the stage name (`[1/2] RUN ...`) when a Dockerfile has a single stage.
    const onlyStage = request.stages.length === 1 ? request.stages[0]! : null;
    const stageByKey = new Map<string, string>();
    const handle = (raw: BuildEvent) => {
      let event = raw;
      if (placement && (raw.type === "step" || raw.type === "log")) {
        event = { ...raw, key: `${placement.keyPrefix}${raw.key}`, stage: placement.stage };
      } else if (onlyStage && raw.type === "step" && raw.stage === null && /^\[\d+\/\d+\] /.test(raw.name)) {
        stageByKey.set(raw.key, onlyStage);
        event = { ...raw, stage: onlyStage };
      } else if (raw.type === "log" && raw.stage === null && stageByKey.has(raw.key)) {
        event = { ...raw, stage: stageByKey.get(raw.key)! };
      }
      this.apply(event, seen);
    };

    const guard = createEmptyTraceGuard();
    await drainResponse(response, (chunks) => {
      for (const chunk of chunks) {
        for (const message of splitter.push(chunk)) {
          if (!guard.see(message)) continue;
          if (!buildkitJob) this.noteClassicContainer(message);
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
    this.tasks.flush();
    this.signal.throwIfAborted();
    if (seen.error || !seen.imageId) throw new EngineBuildFailed(explainEngineError(seen.error ?? "the engine ended the build without an image", request.network));
    return seen.imageId;
  }

  /** The classic builder names each step's container as it starts it: " ---> Running in <id>". */
  private noteClassicContainer(message: unknown) {
    const text = (message as { stream?: unknown } | null)?.stream;
    if (typeof text !== "string" || !text.startsWith(" ---> Running in ")) return;
    const id = /^ ---> Running in ([0-9a-f]{12,64})\s*$/.exec(text)?.[1];
    if (id) noteEngineWork(this.buildId, { buildkitJob: null, container: id }, this.engineAddress);
  }

  private apply(event: BuildEvent, seen: { imageId: string | null; error: string | null }) {
    switch (event.type) {
      case "log": {
        const text = this.mask(event.text);
        this.logs.write({ stage: event.stage, step: event.key, stream: event.stream, ts: event.ts, text });
        this.tasks.line(text, event.stage);
        break;
      }
      case "step": {
        const writes = this.tracker!.stageWrites;
        const changed = this.tracker!.apply({ ...event, name: this.mask(event.name), error: event.error ? this.mask(event.error) : undefined });
        if (changed) for (const listener of this.stageListeners) listener(changed.stage, changed.status);
        // Followers see stages, not steps: a step that left every stage as it was changes nothing they read.
        if (this.tracker!.stageWrites !== writes) signalBuildChanged(this.buildId);
        break;
      }
      case "image":
        seen.imageId = event.id;
        break;
      case "error":
        seen.error = this.mask(event.message);
        break;
      case "warning": {
        const message = this.mask(event.message);
        if (!this.warnings.includes(message)) this.warnings.push(message);
        this.logs.note(`kobuild: warning: ${message}`);
        break;
      }
    }
  }
}

/** An engine error a person cannot act on alone, with what to do about it. */
function explainEngineError(message: string, network: EngineBuildRequest["network"]): string {
  if (/network bridge not found/.test(message) && (network ?? "default") === "default") {
    return `${message}: the engine has no default bridge network (dockerd --bridge=none); build with network none or host, or give the engine a bridge`;
  }
  return message;
}

/**
 * What a kind of build does with a session; returns the image record of its
 * result, if any, and for a result that lacks part of what was asked (a
 * sharded build whose shard could not finish) what it lacks.
 */
export type BuildRecipe = (session: BuildSession) => Promise<{ imageRecordId: number | null; partial?: string }>;

/** What a session sent, for the build's log: after the first build of a workspace, usually little. */
function describeSent(sent: { files: number; bytes: number }) {
  const size = sent.bytes >= 1024 * 1024 ? `${(sent.bytes / (1024 * 1024)).toFixed(1)} MiB` : `${(sent.bytes / 1024).toFixed(1)} KiB`;
  return `the context went through a BuildKit session: ${sent.files} file(s), ${size}, sent (only what the steps copy and the engine did not keep from this workspace's last build)`;
}
