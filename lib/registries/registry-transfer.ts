import "server-only";
import type Docker from "dockerode";
import { eq } from "drizzle-orm";
import { readDriverImageOnce } from "@/lib/builds/store-driver-image";
import { getDb } from "@/lib/db/client";
import { images } from "@/lib/db/schema";
import { getDefaultEngine } from "@/lib/docker/engine";
import { EngineStreamError, followEngineStream } from "@/lib/docker/follow-engine-stream";
import { inspectImage } from "@/lib/docker/image/inspect-image";
import { DomainError } from "@/lib/domain-error";
import { findRegistryForImage, getRegistryRow, registryAuthConfig, type RegistryRow } from "./registry-store";

type AuthConfig = ReturnType<typeof registryAuthConfig>;

/** Pulls an image with the given credentials (never logged); engine refusals become ApiErrors. */
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

/**
 * POST /api/registries/:id/pull: brings `<registry>/<repository>:<tag>` into
 * the engine and reads its drivers (when it is a driver image).
 */
export async function pullFromRegistry(registryId: number, input: { repository: string; tag: string }, engine: Docker = getDefaultEngine()) {
  const row = getRegistryRow(registryId);
  const ref = `${row.url}/${input.repository}:${input.tag}`;
  await pullImage(engine, ref, { authconfig: registryAuthConfig(row) });
  const inspect = await inspectImage(engine, ref);
  let image: { id: number; drivers: number; layers: number | null } | null = null;
  let note: string | null = null;
  try {
    const read = await readDriverImageOnce(getDb(), engine, ref);
    image = { id: read.imageId, drivers: read.drivers.length, layers: read.layers };
  } catch (error) {
    if (!(error instanceof DomainError && error.code === "unprocessable")) throw error;
    note = error.message;
  }
  return { ref, dockerId: inspect.Id, size: inspect.Size, image, note };
}

/**
 * POST /api/images/:id/push: tags an image kobuild has read as
 * `<registry>/<repository>:<tag>` and pushes it with the registry's credentials.
 */
export async function pushToRegistry(imageRecordId: number, input: { registryId: number; repository: string; tag: string }, engine: Docker = getDefaultEngine()) {
  const record = getDb().select().from(images).where(eq(images.id, imageRecordId)).get();
  if (!record) throw new DomainError("not_found", `no image with id ${imageRecordId}`);
  const row = getRegistryRow(input.registryId);
  const repo = `${row.url}/${input.repository}`;
  const ref = `${repo}:${input.tag}`;
  await inspectImage(engine, record.dockerId).catch((error: unknown) => {
    if (error instanceof DomainError && error.code === "not_found") throw new DomainError("conflict", `the engine no longer holds image ${imageRecordId} (${record.dockerId})`);
    throw error;
  });
  await engine.getImage(record.dockerId).tag({ repo, tag: input.tag });
  const { digest } = await pushImageRef(engine, ref, row);
  // A pushed image is kept by retention: a registry's tag may still need it.
  getDb().update(images).set({ pushedAt: new Date() }).where(eq(images.id, record.id)).run();
  return { ref, digest, registry: { id: row.id, name: row.name }, image: { id: record.id, dockerId: record.dockerId } };
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
