import "server-only";
import type Docker from "dockerode";
import { env } from "@/lib/env";
import { postBuild, sendBuildContext, type ContextDelivery, type EngineContext } from "./send-build-context";
import { drainResponse } from "./drain-response";
import { createBuildKitDecoder } from "./progress/buildkit-decoder";
import { createClassicDecoder } from "./progress/classic-decoder";
import { createEmptyTraceGuard } from "./progress/empty-trace-guard";
import { createJsonLineSplitter } from "./progress/json-lines";

export type QuietBuildRequest = {
  context: EngineContext;
  dockerfile: string;
  target: string;
  /** A name for the result, so that its reader holds it while it reads. */
  tag?: string;
  buildargs: Record<string, string>;
  network?: "default" | "none" | "host";
  useBuildKit: boolean;
  signal?: AbortSignal;
};

export class QuietBuildFailed extends Error {
  constructor(
    message: string,
    /** The last lines the failing step printed, for the reason. */
    readonly tail: string[],
  ) {
    super(message);
    this.name = "QuietBuildFailed";
  }
}

const TAIL_LINES = 20;

/**
 * One `docker build` of a target whose output nobody reads: its image id, or
 * QuietBuildFailed with the engine's message and the last lines printed. For
 * builds kobuild runs beside a user's build (reading its plan), not as one.
 * An engine that stops taking the context ends it with ContextStalled.
 */
export async function buildImageQuietly(engine: Docker, request: QuietBuildRequest): Promise<string> {
  return sendBuildContext(engine, request.context, { useBuildKit: request.useBuildKit, stallSeconds: env().contextStallSeconds, signal: request.signal }, (context, signal) =>
    sendQuietBuild(engine, request, context, signal),
  );
}

async function sendQuietBuild(engine: Docker, request: QuietBuildRequest, context: ContextDelivery, signal: AbortSignal): Promise<string> {
  const response = await postBuild(engine, context, signal, {
    dockerfile: request.dockerfile,
    target: request.target,
    ...(request.tag ? { t: request.tag } : {}),
    buildargs: request.buildargs,
    rm: true,
    forcerm: true,
    ...(request.network && request.network !== "default" ? { networkmode: request.network } : {}),
    ...(request.useBuildKit ? { version: "2" } : {}),
  });
  const decoder = request.useBuildKit ? createBuildKitDecoder() : createClassicDecoder();
  const splitter = createJsonLineSplitter();
  const guard = createEmptyTraceGuard();
  const tail: string[] = [];
  let imageId: string | null = null;
  let error: string | null = null;
  const handle = (message: unknown) => {
    for (const event of decoder.push(message)) {
      if (event.type === "image") imageId = event.id;
      else if (event.type === "error") error = event.message;
      else if (event.type === "log") {
        tail.push(event.text);
        if (tail.length > TAIL_LINES) tail.shift();
      }
      if (event.type === "image" || event.type === "error") guard.buildEnded();
    }
  };
  await drainResponse(response, (chunks) => {
    for (const chunk of chunks) for (const message of splitter.push(chunk)) if (guard.see(message)) handle(message);
    return guard.shouldClose();
  });
  for (const message of splitter.end()) handle(message);
  decoder.end();
  request.signal?.throwIfAborted();
  if (error || !imageId) throw new QuietBuildFailed(error ?? "the engine ended the build without an image", tail);
  return imageId;
}
