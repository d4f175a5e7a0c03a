import "server-only";
import { and, eq } from "drizzle-orm";
import { createBuild } from "@/lib/builds/create-build";
import { createBuildBodySchema } from "@/lib/builds/build-schemas";
import { getDb, type Db } from "@/lib/db/client";
import { builds, channelBuilds, channels, drivers, failures, images, stages } from "@/lib/db/schema";
import { splitImageRef } from "@/lib/docker/image/image-ref";
import { inspectImage } from "@/lib/docker/image/inspect-image";
import { DomainError } from "@/lib/domain-error";
import { defaultEngine } from "@/lib/engines/engine-clients";
import { getRegistryRow } from "@/lib/registries/registry-store";
import { pushImageRef } from "@/lib/registries/registry-transfer";
import { instanceId } from "@/lib/system/instance-id";
import { emitEvent } from "@/lib/webhooks/emit-event";
import { env } from "@/lib/env";
import { metrics } from "@/lib/metrics/metrics";
import { fetchWorkspace } from "@/lib/workspace/fetch-workspace";
import { getWorkspace } from "@/lib/workspace/get-workspace";
import { resolveCommit } from "@/lib/workspace/git";
import { gateCells, type ImageFacts } from "./channel-gate";
import { runDue } from "./channel-schedule";
import { whileAtTheGate } from "./gate-in-progress";
import { bundlesLacking, getChannelRow, type ChannelRow } from "./channel-store";

export type CatchUpTrigger = "bundle" | "manual" | "branch" | "schedule";

/** The working name of a channel's published image while its catch-ups read it as their cache (`<repo>/collector-drivers:<tag>`, as the task master reads it). */
function cacheOf(channelId: number) {
  return { repo: "kobuild", tag: `channel-${channelId}-${instanceId()}` };
}

// One catch-up decision at a time per channel: two triggers at once must not start two builds.
const deciding = new Map<number, Promise<unknown>>();

function setChannel(db: Db, id: number, values: Partial<typeof channels.$inferInsert>) {
  db.update(channels)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(channels.id, id))
    .run();
}

/**
 * Catches a channel up: the bundles its published image lacks (every stored
 * bundle before the first publish, or when the branch moved to a commit not
 * published yet) go into one ordinary driver build whose cache is the
 * published image, so that the task master plans only what the image lacks;
 * the build merges its drivers onto that image. Answers what was decided:
 * the build started, the build already running (which is followed by
 * another), or that there is nothing to build.
 */
export async function syncChannel(id: number, { trigger, by }: { trigger: CatchUpTrigger; by: string | null }) {
  const before = deciding.get(id) ?? Promise.resolve();
  const mine = before.catch(() => undefined).then(() => decide(id, trigger, by));
  deciding.set(id, mine);
  try {
    return await mine;
  } finally {
    if (deciding.get(id) === mine) deciding.delete(id);
  }
}

type SyncAnswer = { status: "started" | "running" | "up-to-date"; buildId: number | null; kernels: string[] };

async function decide(id: number, trigger: CatchUpTrigger, by: string | null): Promise<SyncAnswer> {
  const db = getDb();
  const row = getChannelRow(id, db);
  if (row.currentBuildId !== null) {
    const current = db.select({ status: builds.status }).from(builds).where(eq(builds.id, row.currentBuildId)).get();
    if (current && (current.status === "queued" || current.status === "running")) {
      // What arrives meanwhile is caught up once this build has ended.
      setChannel(db, id, { syncPending: true });
      return { status: "running", buildId: row.currentBuildId, kernels: [] };
    }
  }
  let workspace = getWorkspace(row.workspaceId, db);
  if (workspace.kind === "remote") workspace = await fetchWorkspace(workspace, { db });
  const head = await resolveCommit(workspace.path, row.branch);
  if (!head) {
    setChannel(db, id, { state: "failed", reason: `workspace ${workspace.name} has no branch or tag ${row.branch}` });
    throw new DomainError("unprocessable", `workspace ${workspace.name} has no branch or tag ${row.branch}`);
  }
  const published = row.publishedDockerId ? await publishedStillThere(row) : false;
  // A branch that moved may bring a new module version, which every kernel needs: every bundle goes, the cache skips what is built.
  const branchMoved = row.publishedCommit !== null && row.publishedCommit !== head;
  const lacking = published && !branchMoved ? bundlesLacking(row, db) : bundlesLacking({ ...row, publishedImageId: null }, db);
  if (lacking.length === 0) {
    setChannel(db, id, { state: row.state === "held" ? "held" : row.publishedDockerId ? "up-to-date" : "new", syncPending: false });
    return { status: "up-to-date", buildId: null, kernels: [] };
  }
  const engine = defaultEngine();
  const cache = cacheOf(id);
  if (published) await engine.getImage(row.publishedDockerId!).tag(splitImageRef(`${cache.repo}/collector-drivers:${cache.tag}`));
  const build = await createBuild(
    createBuildBodySchema.parse({
      workspaceId: row.workspaceId,
      branch: row.branch,
      legacyProbes: row.legacyProbes,
      bundleIds: lacking.map((b) => b.id),
      ...(published ? { cacheRepo: cache.repo, cacheTag: cache.tag } : {}),
      // One shard on the default engine: the sharded build merges onto its cache, and squashes the result only when it grows deep.
      sharding: { engines: 1, maxAttempts: 1, squashAboveLayers: squashThreshold(row) },
    }),
    { startedBy: by ?? `channel ${row.name}` },
  );
  const waitingSince = trigger === "bundle" ? new Date(Math.min(...lacking.map((b) => b.addedAt.getTime()))) : new Date();
  db.transaction((tx) => {
    tx.insert(channelBuilds)
      .values({ channelId: id, buildId: build.id, trigger: branchMoved && trigger !== "manual" ? "branch" : trigger, kernels: lacking.map((b) => b.kernel), waitingSince })
      .run();
    tx.update(channels)
      .set({ state: "building", currentBuildId: build.id, syncPending: false, updatedAt: new Date() })
      .where(eq(channels.id, id))
      .run();
  });
  return { status: "started", buildId: build.id, kernels: lacking.map((b) => b.kernel) };
}

/** The channel's own squash threshold, or the dashboard's default. */
export function squashThreshold(row: Pick<ChannelRow, "squashAboveLayers">) {
  return row.squashAboveLayers ?? env().channelSquashAboveLayers;
}

/** Whether the catch-up squashed its merged image: its squash stage ran (it is skipped when the image stayed shallow). */
function squashedBy(buildId: number, db: Db) {
  const stage = db.select({ status: stages.status }).from(stages).where(and(eq(stages.buildId, buildId), eq(stages.name, "squash"))).get();
  return stage?.status === "done";
}

/** Whether the engine still holds the published image (a pruned engine means starting over, not failing forever). */
async function publishedStillThere(row: ChannelRow) {
  try {
    await inspectImage(defaultEngine(), row.publishedDockerId!);
    return true;
  } catch (error) {
    if (error instanceof DomainError && error.code === "not_found") return false;
    throw error;
  }
}

function factsOf(imageId: number, db: Db): ImageFacts {
  return {
    drivers: db.select({ kernel: drivers.kernel, moduleVersion: drivers.moduleVersion, flavour: drivers.flavour }).from(drivers).where(and(eq(drivers.imageId, imageId), eq(drivers.kind, "driver"))).all(),
    failures: db.select({ kernel: failures.kernel, moduleVersion: failures.moduleVersion, flavour: failures.flavour }).from(failures).where(eq(failures.imageId, imageId)).all(),
  };
}

const channelUrl = (id: number) => `${env().publicUrl}/channels#channel-${id}`;

function endLink(db: Db, channelId: number, buildId: number, outcome: string) {
  db.update(channelBuilds)
    .set({ outcome, endedAt: new Date() })
    .where(and(eq(channelBuilds.channelId, channelId), eq(channelBuilds.buildId, buildId)))
    .run();
}

/** From the moment the channel lacked the drivers (the oldest new bundle stored, the push) to their publication. */
function observeTimeToDriver(db: Db, channelId: number, buildId: number) {
  const link = db
    .select({ trigger: channelBuilds.trigger, waitingSince: channelBuilds.waitingSince, endedAt: channelBuilds.endedAt })
    .from(channelBuilds)
    .where(and(eq(channelBuilds.channelId, channelId), eq(channelBuilds.buildId, buildId)))
    .get();
  if (!link?.waitingSince || !link.endedAt) return;
  metrics().channelTimeToDriver.observe({ trigger: link.trigger }, Math.max(0, (link.endedAt.getTime() - link.waitingSince.getTime()) / 1000));
}

/**
 * A build has ended: when it is a channel's catch-up, its result goes
 * through the gate and is published, or holds the channel naming the cells,
 * or the channel says the build failed. A sync asked meanwhile follows.
 */
export async function channelBuildEnded(buildId: number) {
  return whileAtTheGate(buildId, () => settleChannelBuild(buildId));
}

async function settleChannelBuild(buildId: number) {
  const db = getDb();
  const row = db.select().from(channels).where(eq(channels.currentBuildId, buildId)).get();
  if (!row) return;
  const build = db.select().from(builds).where(eq(builds.id, buildId)).get();
  if (!build || build.status === "queued" || build.status === "running") return;
  try {
    if (build.status !== "succeeded" || build.imageId === null) {
      const reason = `catch-up build #${buildId} ended ${build.status}${build.error ? `: ${build.error}` : ""}`;
      setChannel(db, row.id, { state: "failed", reason, currentBuildId: null });
      endLink(db, row.id, buildId, "failed");
    } else {
      const held = row.publishedImageId !== null ? gateCells(factsOf(row.publishedImageId, db), factsOf(build.imageId, db)) : [];
      if (held.length > 0) {
        setChannel(db, row.id, { state: "held", reason: `${held.length} cell(s) would lose their driver`, heldCells: held, heldBuildId: buildId, currentBuildId: null });
        endLink(db, row.id, buildId, "held");
        emitEvent("channel.held", { channel: row.name, channelId: row.id, buildId, image: row.image, branch: row.branch, commit: build.commit, cells: held, url: channelUrl(row.id) });
      } else {
        await publish(row, build, db);
      }
    }
  } catch (error) {
    setChannel(db, row.id, { state: "failed", reason: `could not publish build #${buildId}: ${(error as Error).message}`, currentBuildId: null });
    endLink(db, row.id, buildId, "failed");
  }
  if (getChannelRow(row.id, db).syncPending) await syncChannel(row.id, { trigger: "bundle", by: null }).catch((error: unknown) => console.error(`kobuild: channel ${row.name} could not catch up:`, (error as Error).message));
}

/** Moves the channel's tag onto the build's image (the engine's tag moves at once), pushes it when a registry is set, and records it. */
async function publish(row: ChannelRow, build: typeof builds.$inferSelect, db: Db, { anyway = false } = {}) {
  const image = db.select().from(images).where(eq(images.id, build.imageId!)).get();
  if (!image) throw new Error(`build #${build.id} has no image record`);
  const engine = defaultEngine();
  await engine.getImage(image.dockerId).tag(splitImageRef(row.image));
  if (row.registryId !== null) {
    await pushImageRef(engine, row.image, getRegistryRow(row.registryId));
    db.update(images).set({ pushedAt: new Date() }).where(eq(images.id, image.id)).run();
  }
  const cache = cacheOf(row.id);
  await engine.getImage(image.dockerId).tag(splitImageRef(`${cache.repo}/collector-drivers:${cache.tag}`));
  const recovered = row.state === "held" || row.state === "failed";
  setChannel(db, row.id, {
    state: "up-to-date",
    reason: anyway ? `published anyway, past ${row.heldCells.length} held cell(s)` : null,
    heldCells: [],
    heldBuildId: null,
    currentBuildId: null,
    publishedImageId: image.id,
    publishedDockerId: image.dockerId,
    publishedCommit: build.commit,
    publishedAt: new Date(),
    publishedLayers: image.layers,
    publishedSquashed: squashedBy(build.id, db),
  });
  endLink(db, row.id, build.id, anyway ? "published anyway" : "published");
  observeTimeToDriver(db, row.id, build.id);
  const data = { channel: row.name, channelId: row.id, buildId: build.id, image: row.image, dockerId: image.dockerId, branch: row.branch, commit: build.commit, url: channelUrl(row.id) };
  emitEvent("channel.published", data);
  if (recovered) emitEvent("channel.recovered", { ...data, was: row.state });
}

/** An admin overrules the gate: the held build's image is published as it is. */
export async function publishAnyway(id: number) {
  const db = getDb();
  const row = getChannelRow(id, db);
  if (row.state !== "held" || row.heldBuildId === null) throw new DomainError("conflict", `channel ${row.name} is not held: nothing waits at the gate`);
  const build = db.select().from(builds).where(eq(builds.id, row.heldBuildId)).get();
  if (!build || build.imageId === null) throw new DomainError("conflict", `the held build of channel ${row.name} no longer has an image`);
  await publish(row, build, db, { anyway: true });
  return getChannelRow(id, db);
}

/** Channels whose schedule fell due since their last scheduled run; each is marked run at `now` before its sync starts. */
export function channelsDue(now: Date, db: Db = getDb()) {
  const due = db
    .select()
    .from(channels)
    .all()
    .filter((row) => row.schedule !== null && runDue(row.schedule, row.lastScheduledAt ?? row.createdAt, now));
  for (const row of due) db.update(channels).set({ lastScheduledAt: now }).where(eq(channels.id, row.id)).run();
  return due;
}

/** Channels that follow stored bundles and lack one of these kernels. */
export function channelsWanting(kernels: string[], db: Db = getDb()) {
  if (kernels.length === 0) return [];
  return db.select().from(channels).where(eq(channels.onBundleStored, true)).all().filter((row) => bundlesLacking(row, db).some((b) => kernels.includes(b.kernel)));
}

