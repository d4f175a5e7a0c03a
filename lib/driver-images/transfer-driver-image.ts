import "server-only";
import type Docker from "dockerode";
import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { images } from "@/lib/db/schema";
import { defaultEngine } from "@/lib/engines/engine-clients";
import { inspectImage } from "@/lib/docker/image/inspect-image";
import { DomainError } from "@/lib/domain-error";
import { getRegistryRow, registryAuthConfig } from "@/lib/registries/registry-store";
import { pullImage, pushImageRef } from "@/lib/registries/registry-transfer";
import { readDriverImageOnce } from "./store-driver-image";

/**
 * POST /api/registries/:id/pull: brings `<registry>/<repository>:<tag>` into
 * the engine and reads its drivers (when it is a driver image).
 */
export async function pullFromRegistry(registryId: number, input: { repository: string; tag: string }, engine: Docker = defaultEngine()) {
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
export async function pushToRegistry(imageRecordId: number, input: { registryId: number; repository: string; tag: string }, engine: Docker = defaultEngine()) {
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
  // A pushed image is kept by retention: a registry's tag may still point at it.
  getDb().update(images).set({ pushedAt: new Date() }).where(eq(images.id, record.id)).run();
  return { ref, digest, registry: { id: row.id, name: row.name }, image: { id: record.id, dockerId: record.dockerId } };
}
