import { randomUUID } from "node:crypto";
import type { Duplex } from "node:stream";
import type Docker from "dockerode";
import * as grpc from "@grpc/grpc-js";
import type { ContextTree } from "./context-tree";
import type { Packet } from "./fsutil-packet";
import { DIFF_COPY, fileSyncService, serveDiffCopy, type SentFiles } from "./file-sync";

const HEALTH_CHECK = "/grpc.health.v1.Health/Check";

/** grpc.health.v1: the engine asks every second whether the session still answers. */
const healthService: grpc.ServiceDefinition = {
  Check: {
    path: HEALTH_CHECK,
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: Buffer) => value,
    requestDeserialize: (bytes: Buffer) => bytes,
    // HealthCheckResponse { status: SERVING }.
    responseSerialize: () => SERVING,
    responseDeserialize: (bytes: Buffer) => bytes,
  },
};
const SERVING = Buffer.from([0x08, 0x01]);

export type EngineSession = {
  id: string;
  /** Files sent to the engine so far, over every transfer of the session. */
  sent: SentFiles;
  /** How long a transfer has waited for the engine to take more bytes (0: none waits). */
  waitingMs(): number;
  close(): void;
};

export type SessionOptions = {
  /** Shown by the engine for the session (the CLI sends the context directory's name). */
  name: string;
  /**
   * The engine keeps the files of a transfer under the session's shared key
   * and the directory's name, and the next session with the same key sends
   * only what changed.
   */
  sharedKey: string;
  /** The directories the engine may fetch, by the names a build asks for (`context`, `dockerfile`). */
  trees: ReadonlyMap<string, ContextTree>;
};

/**
 * Headers of an upgrade request without a body. docker-modem marks every
 * upgrade request chunked, and the chunked body's end ("0\r\n\r\n") can
 * reach the engine after it has taken the connection over, where it reads
 * as the first bytes of HTTP/2 and the engine drops the session (seen
 * through a TCP proxy). The modem's Transfer-Encoding is ignored here.
 */
function bodylessUpgrade(headers: Record<string, string | string[]>) {
  const bodyless = { ...headers, "Content-Length": "0" };
  Object.defineProperty(bodyless, "Transfer-Encoding", { set: () => undefined, enumerable: false });
  return bodyless;
}

export class SessionUnsupported extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SessionUnsupported";
  }
}

/**
 * A BuildKit session with an engine, as `docker buildx` and the CLI open
 * one: the engine's /session upgrades the connection to HTTP/2, over which
 * the engine is the gRPC client and this process serves its files. A build
 * that names the session (`remote=client-session`) then fetches the files
 * its steps need, and only those that changed since the last build.
 */
export async function openEngineSession(engine: Docker, options: SessionOptions): Promise<EngineSession> {
  const id = randomUUID();
  const socket = await new Promise<Duplex>((resolve, reject) => {
    engine.modem.dial(
      {
        method: "POST",
        path: "/session",
        hijack: true,
        headers: bodylessUpgrade({
          Upgrade: "h2c",
          "X-Docker-Expose-Session-Uuid": id,
          "X-Docker-Expose-Session-Name": options.name,
          "X-Docker-Expose-Session-Sharedkey": options.sharedKey,
          "X-Docker-Expose-Session-Grpc-Method": [DIFF_COPY, HEALTH_CHECK],
        }),
        statusCodes: { 101: true, 200: true, 400: "bad request", 404: "no such endpoint", 500: "server error" },
      } as never,
      (error: unknown, socket: unknown) => {
        if (error) reject(new SessionUnsupported(`the engine opened no session: ${(error as Error).message}`));
        else if (!socket || typeof (socket as Duplex).pipe !== "function") reject(new SessionUnsupported("the engine answered /session without upgrading the connection"));
        else resolve(socket as Duplex);
      },
    );
  });
  const sent: SentFiles = { files: 0, bytes: 0 };
  // Transfers waiting for the engine, and since when the first of them waits.
  let waiting = 0;
  let waitingSince = 0;
  const flow = {
    waiting() {
      if (waiting++ === 0) waitingSince = performance.now();
    },
    moving() {
      waiting--;
    },
  };
  const server = new grpc.Server();
  server.addService(fileSyncService, {
    DiffCopy: (call: grpc.ServerDuplexStream<Packet, Packet>) =>
      serveDiffCopy(call, options.trees, flow, (files) => {
        sent.files += files.files;
        sent.bytes += files.bytes;
      }),
  });
  server.addService(healthService, { Check: (_call: unknown, callback: grpc.sendUnaryData<Buffer>) => callback(null, SERVING) });
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  injector.injectConnection(socket);
  socket.on("error", () => undefined);
  let closed = false;
  return {
    id,
    sent,
    waitingMs: () => (waiting > 0 ? performance.now() - waitingSince : 0),
    close() {
      if (closed) return;
      closed = true;
      injector.destroy();
      server.forceShutdown();
      socket.destroy();
    },
  };
}
