import "server-only";
import type Docker from "dockerode";
import { EngineStreamError, followEngineStream } from "@/lib/docker/follow-engine-stream";
import { DomainError } from "@/lib/domain-error";
import { findRegistryForImage, registryAuthConfig, type RegistryRow } from "./registry-store";

type AuthConfig = ReturnType<typeof registryAuthConfig>;

/** Pulls an image with the given credentials (never logged); engine refusals become DomainErrors. */
export async function pullImage(engine: Docker, ref: string, opts: { authconfig?: AuthConfig; signal?: AbortSignal; onStatus?: (line: string) => void } = {}) {
  try {
    const stream = (await engine.pull(ref, { authconfig: opts.authconfig, abortSignal: opts.signal })) as NodeJS.ReadableStream;
    await followEngineStream(stream, opts.onStatus);
  } catch (error) {
    throw describeTransferError(error, `pull ${ref}`);
  }
}

function describeTransferError(error: unknown, what: string): Error {
  if (error instanceof DomainError) return error;
  const e = error as { statusCode?: number; json?: { message?: string }; message?: string; code?: string; name?: string };
  if (e.name === "AbortError") return error as Error;
  if (e.code === "ENOENT" || e.code === "ECONNREFUSED") return new DomainError("engine_unavailable", `the Docker engine cannot be reached (${e.code})`);
  const reason = e.json?.message ?? e.message ?? String(error);
  if (/unauthorized|authentication required|denied|\b401\b/i.test(reason)) return new DomainError("unprocessable", `could not ${what}: the registry refused the credentials (${reason})`);
  if (e.statusCode === 404 || /manifest unknown|not found/i.test(reason)) return new DomainError("not_found", `could not ${what}: ${reason}`);
  if (error instanceof EngineStreamError || e.statusCode) return new DomainError("bad_gateway", `could not ${what}: ${reason}`);
  return error as Error;
}

/** Pushes a tag the engine holds to a configured registry, with its credentials (never logged). */
export async function pushImageRef(engine: Docker, ref: string, row: RegistryRow, signal?: AbortSignal) {
  try {
    const stream = (await engine.getImage(ref).push({ authconfig: registryAuthConfig(row), abortSignal: signal } as Docker.ImagePushOptions)) as NodeJS.ReadableStream;
    return await followEngineStream(stream);
  } catch (error) {
    throw describeTransferError(error, `push ${ref}`);
  }
}

/** Pulls an image of a configured registry with its credentials. */
export function pullFromRegistryRow(engine: Docker, ref: string, row: RegistryRow, signal?: AbortSignal) {
  return pullImage(engine, ref, { authconfig: registryAuthConfig(row), signal });
}

/**
 * Before a build or an image operation reads an image from a configured
 * registry, pull it with that registry's credentials: the engine then finds
 * it locally. Returns the registry's name, or null when no configured
 * registry holds the image (the engine resolves it on its own).
 */
export async function pullForBuild(engine: Docker, ref: string, opts: { signal?: AbortSignal; onStatus?: (line: string) => void } = {}) {
  const row = findRegistryForImage(ref);
  if (!row) return null;
  await pullImage(engine, ref, { authconfig: registryAuthConfig(row), signal: opts.signal, onStatus: opts.onStatus });
  return row.name;
}
