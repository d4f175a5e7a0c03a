import "server-only";
import type { Readable } from "node:stream";
import type Docker from "dockerode";
import { ContextStalled, raceStall, sendWatchedContext } from "./context-watchdog";
import type { ContextTree } from "./session/context-tree";
import { openEngineSession, SessionUnsupported, type EngineSession } from "./session/engine-session";
import type { SentFiles } from "./session/file-sync";

/** A build's context, as an engine may take it. */
export type EngineContext = {
  /** The files as a tar stream: what the classic builder, and an engine without sessions, read. */
  tar: () => Readable;
  /**
   * The same files as a tree that a BuildKit session serves: the engine
   * then fetches only what the build's steps copy, and of that only what
   * changed since the last session with the same shared key.
   */
  tree?: { name: string; sharedKey: string; tree: ContextTree; onSession?: () => void };
};

/** How the request carries its context: in its body, or by naming the session that serves it. */
export type ContextDelivery = { body: Readable } | { session: string };

export type SendOptions = {
  useBuildKit: boolean;
  /** An engine that takes none of the context for this long ends the build with ContextStalled. */
  stallSeconds: number;
  signal?: AbortSignal;
  /** Told, once the build ended, what a session sent: only what the steps needed and the engine did not keep. */
  onSessionSent?: (sent: SentFiles) => void;
};

/**
 * Sends a build with its context: BuildKit builds through a session when
 * the engine opens one (Docker 18.09 and later), everything else, and an
 * engine that opens none, as a tar in the request's body. Either way an
 * engine that stops taking the context ends the build with ContextStalled.
 */
export async function sendBuildContext<T>(engine: Docker, context: EngineContext, options: SendOptions, send: (delivery: ContextDelivery, signal: AbortSignal) => Promise<T>): Promise<T> {
  if (options.useBuildKit && context.tree) {
    const session = await openEngineSession(engine, { name: context.tree.name, sharedKey: context.tree.sharedKey, trees: new Map([["context", context.tree.tree], ["dockerfile", context.tree.tree]]) }).catch(
      (error: unknown) => {
        // An engine without sessions (Podman's Docker API) takes the tar instead.
        if (error instanceof SessionUnsupported) return null;
        throw error;
      },
    );
    if (session) {
      context.tree.onSession?.();
      return sendThroughSession(session, options, send);
    }
  }
  return sendWatchedContext(context.tar(), options, (body, signal) => send({ body }, signal));
}

async function sendThroughSession<T>(session: EngineSession, options: SendOptions, send: (delivery: ContextDelivery, signal: AbortSignal) => Promise<T>): Promise<T> {
  const own = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, own.signal]) : own.signal;
  let stalled: ContextStalled | null = null;
  let timer: NodeJS.Timeout | undefined;
  const stall = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      if (session.waitingMs() < options.stallSeconds * 1000) return;
      clearInterval(timer);
      stalled = new ContextStalled(options.stallSeconds);
      own.abort(stalled);
      reject(stalled);
    }, STALL_CHECK_MS).unref();
  });
  try {
    return await raceStall(send({ session: session.id }, signal), stall, () => stalled);
  } finally {
    clearInterval(timer);
    session.close();
    if (!stalled) options.onSessionSent?.(session.sent);
  }
}

const STALL_CHECK_MS = 250;

/**
 * POST /build with the context as `delivery` says. `query` holds the
 * build's parameters as the engine's API names them.
 */
export function postBuild(engine: Docker, delivery: ContextDelivery, signal: AbortSignal, query: Record<string, unknown>): Promise<NodeJS.ReadableStream> {
  if ("body" in delivery) return engine.buildImage(delivery.body, { ...query, abortSignal: signal } as Docker.ImageBuildOptions) as Promise<NodeJS.ReadableStream>;
  return new Promise((resolve, reject) => {
    engine.modem.dial(
      {
        path: "/build?",
        method: "POST",
        // No body: the engine fetches the files through the session.
        options: { _query: { ...query, remote: "client-session", session: delivery.session }, _body: {} },
        abortSignal: signal,
        isStream: true,
        statusCodes: { 200: true, 400: "bad parameter", 500: "server error" },
      } as never,
      (error: unknown, response: unknown) => (error ? reject(error as Error) : resolve(response as NodeJS.ReadableStream)),
    );
  });
}
