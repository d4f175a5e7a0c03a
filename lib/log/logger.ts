import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import pino, { type DestinationStream, type Logger } from "pino";
import { env, type LogLevel } from "@/lib/env";

// The server's log: one JSON object per line on stdout, for an operator's
// search tools. A request's lines carry its request id (kept for the request's
// whole async life, so the domain's lines of that request carry it too); a
// build's lines carry the build and its engine (a child logger).

/** Keys whose values never reach a line, at the top or one or two levels down. */
const SECRET_KEYS = ["password", "token", "secret", "authorization", "cookie", "credentials", "redhatPassword", "secretKey", "adminToken", "metricsToken", "privateKey", "passphrase"];
export const REDACTED_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

type RequestContext = { requestId: string };
const holder = globalThis as unknown as { kobuildLog?: Logger; kobuildRequests?: AsyncLocalStorage<RequestContext> };
const requests = (holder.kobuildRequests ??= new AsyncLocalStorage<RequestContext>());

/** A logger that writes to `destination` (stdout by default, synchronously: the last lines before an exit are not lost). */
export function createLogger(level: LogLevel, destination: DestinationStream = pino.destination({ dest: 1, sync: true })): Logger {
  return pino(
    {
      level,
      base: { service: "kobuild" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      mixin: () => {
        const context = requests.getStore();
        return context ? { requestId: context.requestId } : {};
      },
    },
    destination,
  );
}

/** The process's logger (one for every bundle Next loads), at KOBUILD_LOG_LEVEL. */
export function log(): Logger {
  holder.kobuildLog ??= createLogger(env().logLevel);
  return holder.kobuildLog;
}

/** The lines of one build: its id and engine on each. */
export function buildLog(buildId: number, engineId: string | null, kind?: string): Logger {
  return log().child({ buildId, engineId, ...(kind ? { kind } : {}) });
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._:@-]{8,128}$/;

/** The caller's X-Request-Id when it is a sane one (a proxy's), else a new one. */
export function requestIdOf(headers: Headers): string {
  const given = headers.get("x-request-id");
  return given && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Runs `work` as part of the request `requestId`: every line logged meanwhile names it. */
export function inRequest<T>(requestId: string, work: () => T): T {
  return requests.run({ requestId }, work);
}

/** Runs `work` outside any request (a build the request merely queued lives on after it). */
export function outsideRequests<T>(work: () => T): T {
  return requests.exit(work);
}
