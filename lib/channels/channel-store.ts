import "server-only";
import { desc, eq } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { builds, bundles, channelBuilds, channels, drivers, failures, registries, workspaces } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import { env } from "@/lib/env";
import { parseImageRef } from "@/lib/docker/image/image-ref";
import { resolveCommit } from "@/lib/workspace/git";
import { nextRun } from "./channel-schedule";
import { atTheGate } from "./gate-in-progress";
import type { CreateChannelBody, UpdateChannelBody } from "./channel-schemas";

export type ChannelRow = typeof channels.$inferSelect;

/** The channel's row, or a 404 naming the id. */
export function getChannelRow(id: number, db: Db = getDb()): ChannelRow {
  const row = db.select().from(channels).where(eq(channels.id, id)).get();
  if (!row) throw new DomainError("not_found", `no channel with id ${id}`);
  return row;
}

/** What the body names must exist, and the image must be in the registry it is pushed to: refused before anything is stored. */
async function checkReferences(input: { workspaceId: number; branch: string; image: string; registryId: number | null }, db: Db) {
  const workspace = db.select().from(workspaces).where(eq(workspaces.id, input.workspaceId)).get();
  if (!workspace) throw new DomainError("unprocessable", `workspaceId: no workspace with id ${input.workspaceId}`);
  if (!(await resolveCommit(workspace.path, input.branch))) throw new DomainError("unprocessable", `branch: workspace ${workspace.name} has no branch or tag ${input.branch}`);
  if (input.registryId !== null) {
    const registry = db.select().from(registries).where(eq(registries.id, input.registryId)).get();
    if (!registry) throw new DomainError("unprocessable", `registryId: no registry with id ${input.registryId}`);
    const repository = parseImageRef(input.image).repository!;
    if (!repository.startsWith(`${registry.url}/`)) throw new DomainError("unprocessable", `image: ${input.image} is not in registry ${registry.name} (its references start with ${registry.url}/)`);
  }
}

function nameTaken(db: Db, name: string, except?: number) {
  const row = db.select({ id: channels.id }).from(channels).where(eq(channels.name, name)).get();
  return row !== undefined && row.id !== except;
}

function imageTaken(db: Db, image: string, except?: number) {
  const row = db.select({ id: channels.id, name: channels.name }).from(channels).where(eq(channels.image, image)).get();
  return row !== undefined && row.id !== except ? row.name : null;
}

export async function createChannel(body: CreateChannelBody, createdBy: string | null, db: Db = getDb()) {
  await checkReferences({ workspaceId: body.workspaceId, branch: body.branch, image: body.image, registryId: body.registryId ?? null }, db);
  if (nameTaken(db, body.name)) throw new DomainError("conflict", `a channel named ${body.name} exists already`);
  const other = imageTaken(db, body.image);
  if (other) throw new DomainError("conflict", `channel ${other} publishes ${body.image} already`);
  const row = db
    .insert(channels)
    .values({
      name: body.name,
      workspaceId: body.workspaceId,
      branch: body.branch,
      legacyProbes: body.legacyProbes,
      image: body.image,
      registryId: body.registryId ?? null,
      onBundleStored: body.triggers?.bundleStored ?? true,
      schedule: body.triggers?.schedule ?? null,
      squashAboveLayers: body.policy?.squashAboveLayers ?? null,
      // The schedule counts from now: a channel made at 10:59 with "0 * * * *" runs at 11:00, not at once for a past run.
      lastScheduledAt: new Date(),
      createdBy,
      updatedAt: new Date(),
    })
    .returning()
    .get();
  return row;
}

export async function updateChannel(id: number, body: UpdateChannelBody, db: Db = getDb()) {
  const row = getChannelRow(id, db);
  const next = {
    branch: body.branch ?? row.branch,
    image: body.image ?? row.image,
    registryId: body.registryId === undefined ? row.registryId : body.registryId,
  };
  await checkReferences({ workspaceId: row.workspaceId, ...next }, db);
  if (body.name && nameTaken(db, body.name, id)) throw new DomainError("conflict", `a channel named ${body.name} exists already`);
  const other = body.image ? imageTaken(db, body.image, id) : null;
  if (other) throw new DomainError("conflict", `channel ${other} publishes ${body.image} already`);
  return db
    .update(channels)
    .set({
      name: body.name ?? row.name,
      ...next,
      legacyProbes: body.legacyProbes ?? row.legacyProbes,
      onBundleStored: body.triggers?.bundleStored ?? row.onBundleStored,
      ...(body.triggers?.schedule !== undefined ? { schedule: body.triggers.schedule, lastScheduledAt: new Date() } : {}),
      ...(body.policy?.squashAboveLayers !== undefined ? { squashAboveLayers: body.policy.squashAboveLayers } : {}),
      updatedAt: new Date(),
    })
    .where(eq(channels.id, id))
    .returning()
    .get();
}

/** Forgets the channel and its links to builds; the builds and the engine's image stay. */
export function deleteChannel(id: number, db: Db = getDb()) {
  const row = getChannelRow(id, db);
  db.delete(channels).where(eq(channels.id, id)).run();
  return row;
}

export function listChannelRows(db: Db = getDb()) {
  return db.select().from(channels).orderBy(channels.name).all();
}

/** Kernels an image record holds anything for (a driver, a marker or a failure log). */
export function kernelsInImage(imageId: number, db: Db = getDb()): Set<string> {
  const fromDrivers = db.selectDistinct({ kernel: drivers.kernel }).from(drivers).where(eq(drivers.imageId, imageId)).all();
  const fromFailures = db.selectDistinct({ kernel: failures.kernel }).from(failures).where(eq(failures.imageId, imageId)).all();
  return new Set([...fromDrivers, ...fromFailures].map((r) => r.kernel));
}

/** Stored bundles the published image holds nothing for: every stored bundle before the first publish. */
export function bundlesLacking(row: ChannelRow, db: Db = getDb()) {
  const all = db.select({ id: bundles.id, kernel: bundles.kernel, addedAt: bundles.addedAt }).from(bundles).orderBy(bundles.kernel).all();
  if (row.publishedImageId === null) return all;
  const held = kernelsInImage(row.publishedImageId, db);
  return all.filter((b) => !held.has(b.kernel));
}

const median = (values: number[]) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
};

/** A channel as the API and the page show it: state, what the published image is, what it lacks and why, its last catch-ups and how long drivers took. */
export async function channelView(row: ChannelRow, db: Db = getDb()) {
  const workspace = db.select({ id: workspaces.id, name: workspaces.name, path: workspaces.path }).from(workspaces).where(eq(workspaces.id, row.workspaceId)).get();
  const registry = row.registryId ? (db.select({ id: registries.id, name: registries.name }).from(registries).where(eq(registries.id, row.registryId)).get() ?? null) : null;
  const head = workspace ? await resolveCommit(workspace.path, row.branch).catch(() => null) : null;
  const lacking = bundlesLacking(row, db);
  const links = db
    .select({ buildId: channelBuilds.buildId, trigger: channelBuilds.trigger, kernels: channelBuilds.kernels, waitingSince: channelBuilds.waitingSince, outcome: channelBuilds.outcome, endedAt: channelBuilds.endedAt, status: builds.status, commit: builds.commit, createdAt: builds.createdAt })
    .from(channelBuilds)
    .innerJoin(builds, eq(builds.id, channelBuilds.buildId))
    .where(eq(channelBuilds.channelId, row.id))
    .orderBy(desc(channelBuilds.buildId))
    .limit(20)
    .all();
  // A catch-up the dashboard's restart interrupted never reached the gate: the channel says so rather than "building" forever.
  const current = row.currentBuildId !== null ? links.find((l) => l.buildId === row.currentBuildId) : undefined;
  const stale = row.state === "building" && current !== undefined && current.status !== "queued" && current.status !== "running" && current.outcome === null && !atTheGate(current.buildId);
  const figures = links
    .filter((l) => (l.outcome === "published" || l.outcome === "published anyway") && l.waitingSince && l.endedAt)
    .map((l) => ({ buildId: l.buildId, seconds: Math.max(0, Math.round((l.endedAt!.getTime() - l.waitingSince!.getTime()) / 1000)), kernels: l.kernels.length }));
  return {
    id: row.id,
    name: row.name,
    workspace: workspace ? { id: workspace.id, name: workspace.name } : null,
    branch: row.branch,
    legacyProbes: row.legacyProbes,
    image: row.image,
    registry,
    triggers: { bundleStored: row.onBundleStored, schedule: row.schedule, nextScheduledAt: row.schedule ? nextRun(row.schedule, row.lastScheduledAt ?? row.createdAt) : null },
    state: stale ? ("failed" as const) : row.state,
    reason: stale ? `catch-up build #${current!.buildId} ended ${current!.status} before it reached the gate` : row.reason,
    heldCells: row.heldCells,
    heldBuildId: row.heldBuildId,
    currentBuildId: row.currentBuildId,
    policy: { squashAboveLayers: row.squashAboveLayers ?? env().channelSquashAboveLayers, squashAboveLayersIsDefault: row.squashAboveLayers === null },
    published: row.publishedDockerId
      ? { ref: row.image, imageId: row.publishedImageId, dockerId: row.publishedDockerId, commit: row.publishedCommit, at: row.publishedAt, layers: row.publishedLayers, squashed: row.publishedSquashed }
      : null,
    pending: {
      /** Kernels with a stored bundle the published image holds nothing for. */
      bundles: lacking.map((b) => b.kernel),
      /** The branch's commit when it moved past the published one (before the first publish, the bundles say it all). */
      commit: head && row.publishedCommit !== null && head !== row.publishedCommit ? head : null,
      headCommit: head,
    },
    builds: links.map((l) => ({ id: l.buildId, trigger: l.trigger, kernels: l.kernels, status: l.status, commit: l.commit, outcome: l.outcome, createdAt: l.createdAt, endedAt: l.endedAt })),
    timeToDriver: { latest: figures.slice(0, 10), medianSeconds: median(figures.map((f) => f.seconds)) },
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
export type ChannelView = Awaited<ReturnType<typeof channelView>>;

export async function listChannels(db: Db = getDb()) {
  return Promise.all(listChannelRows(db).map((row) => channelView(row, db)));
}

export async function getChannel(id: number, db: Db = getDb()) {
  return channelView(getChannelRow(id, db), db);
}

/** The links of builds to channels, for a build's own page. */
export function channelsOfBuild(buildId: number, db: Db = getDb()) {
  return db.select({ id: channels.id, name: channels.name }).from(channelBuilds).innerJoin(channels, eq(channels.id, channelBuilds.channelId)).where(eq(channelBuilds.buildId, buildId)).all();
}


/** The image record the channel publishes: 404 before its first publish. */
export function publishedImageOf(id: number, db: Db = getDb()): number {
  const row = getChannelRow(id, db);
  if (row.publishedImageId === null) throw new DomainError("not_found", `channel ${row.name} has published no image yet`);
  return row.publishedImageId;
}
