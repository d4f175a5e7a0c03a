import "server-only";
import { eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { builds, bundles, images, workspaces } from "@/lib/db/schema";
import { defaultEngine } from "@/lib/engines/engine-clients";
import { inspectImage } from "@/lib/docker/image/inspect-image";
import { cellIndex, cellState, FLAVOURS } from "@/lib/coverage/coverage-model";
import { loadBuildCoverage } from "@/lib/coverage/load-coverage";
import { DomainError } from "@/lib/domain-error";
import { getRegistryRow } from "@/lib/registries/registry-store";
import { instanceId } from "@/lib/system/instance-id";
import { resolveCommit } from "@/lib/workspace/git";
import { isValidRefName } from "@/lib/workspace/ref-name";
import { pumpBuildQueue } from "../build-queue";
import { refuseWhileDraining } from "../draining";
import { driverOptionsOf, shardingSchema, type RerunOf, type StoredBuildOptions } from "@/lib/build-options";
import { getBuildView } from "../get-build";

export const rerunBodySchema = z
  .object({
    /** The branch to build; by default the source build's (after a fix is committed there, or on a new branch). */
    branch: z.string().min(1).max(255).refine(isValidRefName, "must be a git branch or tag name").optional(),
    sharding: shardingSchema.optional(),
  })
  .strict();
export type RerunBody = z.infer<typeof rerunBodySchema>;

/** The tasks of a finished build whose cells are failed or missing, by kernel. */
export function tasksToRerun(buildId: number) {
  const { coverage } = loadBuildCoverage(buildId);
  const byKernel = new Map<string, string[]>();
  const M = coverage.moduleVersions.length;
  coverage.kernels.forEach((kernel, k) =>
    coverage.moduleVersions.forEach((moduleVersion, v) =>
      FLAVOURS.forEach((flavour) => {
        const state = cellState(coverage, cellIndex(M, k, v, flavour));
        if (state === "failed" || state === "missing") byKernel.set(kernel.name, [...(byKernel.get(kernel.name) ?? []), `${moduleVersion} ${flavour}`]);
      }),
    ),
  );
  return byKernel;
}

/** GET /api/builds/:id/rerun: the tasks a re-run would build, and the kernels it could not (no bundle). */
export function describeRerun(buildId: number) {
  const rerun = tasksToRerun(buildId);
  const stored = new Set(
    rerun.size ? getDb().select({ kernel: bundles.kernel }).from(bundles).where(inArray(bundles.kernel, [...rerun.keys()])).all().map((b) => b.kernel) : [],
  );
  const kernels = [...rerun].map(([kernel, tasks]) => ({ kernel, tasks, bundle: stored.has(kernel) }));
  return { buildId, tasks: kernels.filter((k) => k.bundle).reduce((n, k) => n + k.tasks.length, 0), kernels };
}

/**
 * "Re-run what failed": a new build of only the failed and missing tasks of
 * a finished build, merged onto its image. Its context holds only the
 * kernels with such tasks, and its cache is the finished build's image, so
 * the real task master skips everything that was built; the result is
 * merged onto that image, so it is complete.
 */
export async function createRerun(sourceId: number, body: RerunBody, { startedBy = null }: { startedBy?: string | null } = {}) {
  refuseWhileDraining();
  const db = getDb();
  const source = db.select().from(builds).where(eq(builds.id, sourceId)).get();
  if (!source) throw new DomainError("not_found", `no build with id ${sourceId}`);
  if (source.kind !== "drivers" || source.parentId !== null) throw new DomainError("conflict", `build ${sourceId} is not a driver build: only driver builds can be re-run`);
  if (source.status === "queued" || source.status === "running") throw new DomainError("conflict", `build ${sourceId} is still ${source.status}`);
  const image = source.imageId ? db.select().from(images).where(eq(images.id, source.imageId)).get() : undefined;
  if (!image) throw new DomainError("conflict", `build ${sourceId} made no image to merge onto; start it again instead`);
  const engine = defaultEngine();
  await inspectImage(engine, image.dockerId).catch((error: unknown) => {
    if (error instanceof DomainError && error.code === "not_found") throw new DomainError("conflict", `the engine no longer holds the image of build ${sourceId}`);
    throw error;
  });

  const rerun = tasksToRerun(sourceId);
  const kernels = [...rerun.keys()];
  if (kernels.length === 0) throw new DomainError("conflict", `build ${sourceId} has no failed or missing task`);
  const found = db.select({ id: bundles.id, kernel: bundles.kernel }).from(bundles).where(inArray(bundles.kernel, kernels)).all();
  if (found.length === 0) throw new DomainError("conflict", `no bundle is stored for the kernels whose tasks failed or are missing (${kernels.slice(0, 5).join(", ")})`);

  const options = driverOptionsOf(source);
  const branch = body.branch ?? options.branch;
  const workspacePath = db.select({ path: workspaces.path }).from(workspaces).where(eq(workspaces.id, source.workspaceId!)).get()?.path;
  if (!workspacePath) throw new DomainError("conflict", "the build's workspace no longer exists");
  if (!(await resolveCommit(workspacePath, branch))) throw new DomainError("not_found", `the workspace has no branch or tag ${branch}`);
  const sharding = shardingSchema.parse(body.sharding ?? { engines: 1 });
  if (sharding.registryId) getRegistryRow(sharding.registryId);

  const tasks = found.reduce((n, b) => n + rerun.get(b.kernel)!.length, 0);
  // Inserted and completed in one transaction: a queued re-run always has its whole options.
  const row = db.transaction((tx) => {
    const inserted = tx.insert(builds).values({ kind: "drivers", workspaceId: source.workspaceId, branch, startedBy }).returning({ id: builds.id }).get();
    // The task master reads its cache as <repo>/collector-drivers:<tag>: the re-run names the image so when it starts.
    const cache = { repo: "kobuild", tag: `rerun-base-${inserted.id}-${instanceId()}` };
    const rerunOf: RerunOf = { buildId: sourceId, dockerId: image.dockerId, imageRef: `${cache.repo}/collector-drivers:${cache.tag}`, tasks };
    const stored: StoredBuildOptions = {
      ...options,
      branch,
      useKernelsFile: false,
      cacheRepo: cache.repo,
      cacheTag: cache.tag,
      bundleIds: found.map((b) => b.id),
      redhatCredentials: false,
      sharding,
      rerunOf,
    };
    tx.update(builds)
      .set({ options: stored, tag: `kobuild/collector-drivers:build-${inserted.id}-${instanceId()}` })
      .where(eq(builds.id, inserted.id))
      .run();
    return inserted;
  });
  pumpBuildQueue();
  return getBuildView(row.id);
}
