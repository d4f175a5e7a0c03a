import "server-only";
import type Docker from "dockerode";
import { and, desc, inArray, sql } from "drizzle-orm";
import { operationOptionsIn } from "@/lib/build-options";
import { getDb } from "@/lib/db/client";
import { builds, drivers, failures, images, registries } from "@/lib/db/schema";
import { defaultEngine } from "@/lib/engines/engine-clients";
import { kobuildsPart, mayBeKobuilds } from "@/lib/driver-images/driver-image-name";
import { layerState, type LayerState } from "@/lib/driver-images/layer-limit";
import { listRegistryRepositories, listRegistryTags, readRegistryImageId } from "@/lib/registries/registry-http";
import { registryAccess } from "@/lib/registries/registry-store";
import { instanceId } from "@/lib/system/instance-id";
import { READER_LABEL } from "@/lib/docker/image/read-driver-image";
import type { BuildKind } from "@/lib/vocabulary";

export type ModuleVersionCounts = { moduleVersion: string; modules: number; probes: number; markers: number; failures: number };

export type DriverImageItem = {
  /** The engine's image id (sha256:...); for a registry tag, its manifest's config digest, which is the same id. */
  dockerId: string | null;
  /** kobuild's record of what it read in the image: the coverage and failure views are keyed by it. */
  recordId: number | null;
  readAt: Date | null;
  /** repository:tag names in the engine, and the name kobuild recorded. */
  refs: string[];
  registryRefs: Array<{ registryId: number; registry: string; ref: string }>;
  /** The engine holds the image. */
  local: boolean;
  size: number | null;
  layers: number | null;
  layerState: LayerState;
  createdAt: Date | null;
  versions: ModuleVersionCounts[];
  totals: { drivers: number; markers: number; failures: number };
  /** The build or image operation that made it. */
  producedBy: { buildId: number; kind: BuildKind } | null;
  /** For a squash result: the layers of the image it squashed. */
  layersBefore: number | null;
};

export type DriverImageListing = {
  images: DriverImageItem[];
  engineError: string | null;
  registries: Array<{ id: number; name: string; url: string; error: string | null; truncated: boolean }>;
  /** Tagged local images not looked into, because the one asking may not create the container that looks (a viewer). */
  unchecked: number;
};

const MAX_LOCAL_PROBES = 200;
const MAX_REPOSITORIES = 50;
const MAX_REGISTRY_TAGS = 300;

// An image id names fixed content: whether it holds /kernel-modules never changes.
const holder = globalThis as unknown as { kobuildHoldsDrivers?: Map<string, boolean> };
const holdsDrivers = (holder.kobuildHoldsDrivers ??= new Map());
const layersHolder = globalThis as unknown as { kobuildImageLayers?: Map<string, number | null> };
const layerCounts = (layersHolder.kobuildImageLayers ??= new Map());

/**
 * The driver images kobuild knows: what it has read (build and operation
 * results, inputs, pulls), the engine's tagged images that hold
 * /kernel-modules, and the tags of the configured registries. One item per
 * image id, newest first. By default only kobuild's part of them
 * (driver-image-name.ts): its helper images, other installations' tags and
 * local images not named like a driver image are left out (the engine is
 * not even asked whether those hold /kernel-modules); `everything` keeps them.
 * Looking into an image takes a container: without `probe` (a viewer asks)
 * only images looked into before are listed.
 */
export async function listDriverImages({
  engine = defaultEngine(),
  withRegistries = true,
  everything = false,
  probe = true,
}: { engine?: Docker; withRegistries?: boolean; everything?: boolean; probe?: boolean } = {}): Promise<DriverImageListing> {
  const byId = new Map<string, DriverImageItem>();
  const unknownIds: DriverImageItem[] = [];
  for (const item of readRecords()) byId.set(item.dockerId!, item);
  const instance = instanceId();

  let engineError: string | null = null;
  const checks = { probe, unchecked: 0 };
  try {
    // Only images that may be kobuild's are asked whether they hold /kernel-modules (a container each).
    await addLocalImages(engine, byId, everything ? () => true : (tags) => mayBeKobuilds(tags, instance), checks);
  } catch (error) {
    engineError = (error as { code?: string; message?: string }).code ?? (error as Error).message;
  }

  const registryStates: DriverImageListing["registries"] = [];
  if (withRegistries) {
    for (const row of getDb().select().from(registries).all()) {
      const state = { id: row.id, name: row.name, url: row.url, error: null as string | null, truncated: false };
      registryStates.push(state);
      try {
        state.truncated = await addRegistryTags(row, byId, unknownIds);
      } catch (error) {
        state.error = (error as Error).message;
      }
    }
  }

  const listed = [...byId.values(), ...unknownIds];
  const all = everything ? listed : listed.flatMap((item) => kobuildsPart(item, instance) ?? []);
  all.sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0) || (b.recordId ?? 0) - (a.recordId ?? 0));
  return { images: all, engineError, registries: registryStates, unchecked: checks.unchecked };
}

function emptyItem(dockerId: string | null): DriverImageItem {
  return {
    dockerId,
    recordId: null,
    readAt: null,
    refs: [],
    registryRefs: [],
    local: false,
    size: null,
    layers: null,
    layerState: "ok",
    createdAt: null,
    versions: [],
    totals: { drivers: 0, markers: 0, failures: 0 },
    producedBy: null,
    layersBefore: null,
  };
}

/** kobuild's records, the latest read of each image id, with drivers and failures per module version. */
function readRecords(): DriverImageItem[] {
  const db = getDb();
  const latest = new Map<string, typeof images.$inferSelect>();
  for (const row of db.select().from(images).orderBy(desc(images.id)).all()) if (!latest.has(row.dockerId)) latest.set(row.dockerId, row);
  const ids = [...latest.values()].map((r) => r.id);
  if (ids.length === 0) return [];
  const driverCounts = db
    .select({ imageId: drivers.imageId, moduleVersion: drivers.moduleVersion, flavour: drivers.flavour, kind: drivers.kind, n: sql<number>`count(*)` })
    .from(drivers)
    .where(inArray(drivers.imageId, ids))
    .groupBy(drivers.imageId, drivers.moduleVersion, drivers.flavour, drivers.kind)
    .all();
  const failureCounts = db
    .select({ imageId: failures.imageId, moduleVersion: failures.moduleVersion, n: sql<number>`count(*)` })
    .from(failures)
    .where(inArray(failures.imageId, ids))
    .groupBy(failures.imageId, failures.moduleVersion)
    .all();
  const producers = db.select({ id: builds.id, kind: builds.kind, imageId: builds.imageId, options: builds.options }).from(builds).where(and(inArray(builds.imageId, ids))).all();

  const versions = new Map<number, Map<string, ModuleVersionCounts>>();
  const version = (imageId: number, mv: string) => {
    const forImage = versions.get(imageId) ?? versions.set(imageId, new Map()).get(imageId)!;
    return forImage.get(mv) ?? forImage.set(mv, { moduleVersion: mv, modules: 0, probes: 0, markers: 0, failures: 0 }).get(mv)!;
  };
  for (const c of driverCounts) {
    const v = version(c.imageId, c.moduleVersion);
    const n = Number(c.n);
    if (c.kind === "marker") v.markers += n;
    else if (c.flavour === "mod") v.modules += n;
    else v.probes += n;
  }
  for (const c of failureCounts) version(c.imageId, c.moduleVersion).failures += Number(c.n);

  return [...latest.values()].map((row) => {
    const item = emptyItem(row.dockerId);
    const vs = [...(versions.get(row.id)?.values() ?? [])].sort((a, b) => a.moduleVersion.localeCompare(b.moduleVersion, "en", { numeric: true }));
    const producer = producers.filter((p) => p.imageId === row.id).sort((a, b) => a.id - b.id)[0];
    return {
      ...item,
      recordId: row.id,
      readAt: row.readAt,
      refs: row.ref ? [row.ref] : [],
      size: row.size,
      layers: row.layers,
      layerState: layerState(row.layers),
      createdAt: row.imageCreatedAt,
      versions: vs,
      totals: {
        drivers: vs.reduce((n, v) => n + v.modules + v.probes, 0),
        markers: vs.reduce((n, v) => n + v.markers, 0),
        failures: vs.reduce((n, v) => n + v.failures, 0),
      },
      producedBy: producer ? { buildId: producer.id, kind: producer.kind } : null,
      layersBefore: squashedFrom(producer?.options),
    };
  });
}

/** Tagged images of the engine: known ones get their local names; unknown ones are listed when they hold /kernel-modules. */
async function addLocalImages(
  engine: Docker,
  byId: Map<string, DriverImageItem>,
  worthProbing: (tags: string[]) => boolean,
  checks: { probe: boolean; unchecked: number },
) {
  const local = await engine.listImages();
  let probes = 0;
  for (const image of local) {
    const tags = (image.RepoTags ?? []).filter((t) => t !== "<none>:<none>" && !t.startsWith("kobuild-tmp/"));
    let item = byId.get(image.Id);
    if (!item) {
      if (tags.length === 0 || probes >= MAX_LOCAL_PROBES || !worthProbing(tags)) continue;
      if (!holdsDrivers.has(image.Id)) {
        if (!checks.probe) {
          checks.unchecked += 1;
          continue;
        }
        probes += 1;
        holdsDrivers.set(image.Id, await probeKernelModules(engine, image.Id));
      }
      if (!holdsDrivers.get(image.Id)) continue;
      item = emptyItem(image.Id);
      byId.set(image.Id, item);
    }
    item.local = true;
    item.refs = [...new Set([...tags, ...item.refs])].sort();
    item.size ??= image.Size;
    item.createdAt ??= new Date(image.Created * 1000);
    if (item.layers === null) {
      // The list call does not say; an inspect does, once per image id.
      if (!layerCounts.has(image.Id)) layerCounts.set(image.Id, (await engine.getImage(image.Id).inspect().catch(() => null))?.RootFS?.Layers?.length ?? null);
      item.layers = layerCounts.get(image.Id) ?? null;
      item.layerState = layerState(item.layers);
    }
  }
}

/** Whether an image has /kernel-modules: asked of a container that is created, never started, and removed. */
async function probeKernelModules(engine: Docker, imageId: string): Promise<boolean> {
  const container = await engine.createContainer({
    Image: imageId,
    Cmd: ["/kobuild-never-started"],
    Entrypoint: [],
    Labels: { [READER_LABEL]: "probe-driver-image" },
    NetworkDisabled: true,
    HostConfig: { NetworkMode: "none" },
  });
  try {
    await container.infoArchive({ path: "/kernel-modules" });
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
}

/** A registry's tags, linked to known images by id. Returns true when the listing was cut short. */
async function addRegistryTags(row: typeof registries.$inferSelect, byId: Map<string, DriverImageItem>, unknownIds: DriverImageItem[]) {
  const access = registryAccess(row);
  const repositories = await listRegistryRepositories(access, MAX_REPOSITORIES);
  let budget = MAX_REGISTRY_TAGS;
  let truncated = repositories.length >= MAX_REPOSITORIES;
  for (const repository of repositories) {
    const tags = await listRegistryTags(access, repository);
    if (tags.length > budget) truncated = true;
    const taken = tags.slice(0, budget);
    budget -= taken.length;
    const ids = await mapLimited(taken, 8, (tag) => readRegistryImageId(access, repository, tag).catch(() => null));
    taken.forEach((tag, i) => {
      const ref = { registryId: row.id, registry: row.name, ref: `${row.url}/${repository}:${tag}` };
      const id = ids[i] ?? null;
      const item = id ? byId.get(id) : undefined;
      if (item) item.registryRefs.push(ref);
      else if (id) byId.set(id, { ...emptyItem(id), registryRefs: [ref] });
      else unknownIds.push({ ...emptyItem(null), registryRefs: [ref] });
    });
    if (budget <= 0) break;
  }
  return truncated;
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!);
      }
    }),
  );
  return results;
}

/** The layers an image had before kobuild squashed it, as the squash recorded them. */
function squashedFrom(options: unknown): number | null {
  const operation = operationOptionsIn(options);
  return operation?.operation === "squash" ? (operation.layersBefore ?? null) : null;
}
