import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { buildInputs, builds, bundles, drivers, workspaces } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import { defaultEngine } from "@/lib/engines/engine-clients";
import { inspectImage } from "@/lib/docker/image/inspect-image";
import { driverOptionsOf, type StoredBuildOptions } from "@/lib/build-options";
import { pumpBuildQueue } from "@/lib/builds/build-queue";
import { getBuildView } from "@/lib/builds/get-build";
import { driverOrigin } from "@/lib/provenance/driver-origin";
import { instanceId } from "@/lib/system/instance-id";
import { resolveCommit } from "@/lib/workspace/git";
import type { Flavour } from "@/lib/vocabulary";

export type ReproduceRequest = { imageId: number; kernel: string; moduleVersion: string; flavour: Flavour };

/**
 * Starts a build (kind `reproduce`) of one driver from what its build
 * recorded: the same commit, the same bundle (by sha256) and the same base
 * images (by id), with the same options. Inputs that are gone or changed
 * refuse the request with the reason, and nothing is started.
 */
export async function startReproduction(request: ReproduceRequest, { startedBy = null }: { startedBy?: string | null } = {}) {
  const db = getDb();
  const driver = db
    .select()
    .from(drivers)
    .where(and(eq(drivers.imageId, request.imageId), eq(drivers.kernel, request.kernel), eq(drivers.moduleVersion, request.moduleVersion), eq(drivers.flavour, request.flavour)))
    .get();
  if (!driver) throw new DomainError("not_found", `image ${request.imageId} holds no ${request.flavour} driver of ${request.moduleVersion} for ${request.kernel}`);
  if (driver.kind !== "driver" || !driver.sha256) throw new DomainError("unprocessable", `${driver.path} is an unavailability marker: there is no driver to reproduce`);
  const origin = driverOrigin(db, request.imageId, request);
  if (!origin) throw new DomainError("unprocessable", `kobuild did not build ${driver.path} (the image was only read), so it has no recorded inputs to build it from`);
  const originBuild = db.select().from(builds).where(eq(builds.id, origin.buildId)).get()!;
  // A shard's options name its sharded build's commit; either way the commit recorded is the one built.
  const options = driverOptionsOf(originBuild);
  const refuse = (why: string) => new DomainError("unprocessable", `cannot reproduce ${driver.path}: ${why}`);

  if (!origin.commit) throw refuse(`build ${origin.buildId} recorded no commit`);
  if (origin.commitDirty) throw refuse(`build ${origin.buildId} built uncommitted changes on top of ${origin.commit.slice(0, 12)}, which no commit holds`);
  if (options.redhatCredentials) throw refuse(`build ${origin.buildId} used Red Hat credentials, which kobuild does not keep`);
  const workspace = originBuild.workspaceId === null ? null : db.select().from(workspaces).where(eq(workspaces.id, originBuild.workspaceId)).get();
  if (!workspace) throw refuse(`the workspace of build ${origin.buildId} was removed`);
  if ((await resolveCommit(workspace.path, origin.commit)) !== origin.commit) throw refuse(`the workspace ${workspace.name} no longer has commit ${origin.commit}`);
  if (!origin.bundle) throw refuse(`build ${origin.buildId} recorded no bundle of ${request.kernel}`);
  const bundle = db.select().from(bundles).where(eq(bundles.kernel, request.kernel)).get();
  if (!bundle) throw refuse(`the bundle of ${request.kernel} is no longer stored`);
  if (bundle.sha256 !== origin.bundle.sha256) throw refuse(`the bundle of ${request.kernel} was replaced since (sha256 ${origin.bundle.sha256.slice(0, 12)} then, ${bundle.sha256.slice(0, 12)} now)`);
  const recorded = db.select().from(buildInputs).where(and(eq(buildInputs.buildId, origin.buildId), eq(buildInputs.role, "base"))).all();
  if (recorded.length === 0) throw refuse(`build ${origin.buildId} ended before kobuild kept its base images`);
  for (const image of recorded) {
    const now = await imageIdOf(image.ref);
    if (!image.dockerId || now !== image.dockerId) {
      throw refuse(`the base image ${image.ref} is ${now ? `now ${now.slice(7, 19)}` : "gone from the engine"}, the build used ${image.dockerId ? image.dockerId.slice(7, 19) : "an image it did not record"}`);
    }
  }

  const reproduceOptions: StoredBuildOptions = {
    ...options,
    // Nothing from a cache, neither the driver cache nor the engine's layers: the driver is compiled again from its inputs.
    cacheRepo: null,
    cacheTag: null,
    noCache: true,
    bundleIds: [bundle.id],
    sharding: null,
    rerunOf: null,
    push: undefined,
    commit: origin.commit,
    reproduce: {
      imageId: request.imageId,
      kernel: request.kernel,
      moduleVersion: request.moduleVersion,
      flavour: request.flavour,
      path: driver.path,
      sha256: driver.sha256,
      originBuildId: origin.buildId,
      result: null,
    },
  };
  const row = db
    .insert(builds)
    .values({ kind: "reproduce", workspaceId: workspace.id, branch: originBuild.branch, options: reproduceOptions, startedBy })
    .returning({ id: builds.id })
    .get();
  db.update(builds).set({ tag: `kobuild/collector-drivers:reproduce-${row.id}-${instanceId()}` }).where(eq(builds.id, row.id)).run();
  pumpBuildQueue();
  return getBuildView(row.id);
}

async function imageIdOf(ref: string): Promise<string | null> {
  try {
    return (await inspectImage(defaultEngine(), ref)).Id;
  } catch (error) {
    if (error instanceof DomainError && error.code === "not_found") return null;
    throw error;
  }
}
