import "server-only";
import fs from "node:fs";
import path from "node:path";
import { and, count, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { bundles, tasks, workspaces } from "@/lib/db/schema";
import { EMPTY_CACHE, ensureEmptyCacheImage } from "@/lib/docker/ensure-empty-cache-image";
import { splitImageRef } from "@/lib/docker/image/image-ref";
import { inspectImage } from "@/lib/docker/image/inspect-image";
import { readDriverImage } from "@/lib/docker/image/read-driver-image";
import { healthyEngines } from "@/lib/engines/engine-health";
import { DEFAULT_ENGINE_ID } from "@/lib/engines/engine-store";
import { readOperationDockerfile } from "@/lib/workspace/operation-dockerfile";
import { readerRef, removeTag, temporaryRef } from "../temporary-tags";
import { layerWarning } from "@/lib/driver-images/layer-limit";
import { getRegistryRow } from "@/lib/registries/registry-store";
import { pullForBuild } from "@/lib/registries/registry-transfer";
import { instanceId } from "@/lib/system/instance-id";
import { bundlePath } from "@/lib/bundles/bundle-path";
import { toBuildArgs } from "../build-args";
import { dockerfileContext, engineContextOf } from "../build-context";
import type { BuildSecrets } from "../build-secrets";
import type { BuildRecipe, BuildSession } from "../build-session";
import { parseDockerfileStages } from "../dockerfile-stages";
import { driverOptionsOf, type ShardingOptions, type StoredBuildOptions } from "@/lib/build-options";
import { selectBundles } from "../driver-build-recipe";
import { storeDriverImage } from "@/lib/driver-images/store-driver-image";
import { imageResults } from "../plan/image-results";
import { withWorkspaceSource } from "../workspace-source";
import type { WorkspaceSource } from "@/lib/workspace/prepare-workspace-source";
import { runShards, type DoneShard, type ShardPlan, type ShardResult } from "./shard-runner";
import { shardTransfers } from "./shard-transfers";
import { arrivingMerges, tagOf } from "./arriving-merges";
import { explainPlanImage, planBuildOf } from "../plan/read-build-plan";
import { recordPlanOf } from "../plan/plan-reader";
import { splitIntoShards } from "./split-shards";
import { weighKernels } from "./kernel-work";
import { recentTaskSeconds } from "./task-history";

type ShardedOptions = StoredBuildOptions & { sharding: ShardingOptions };

function shardedOptionsOf(build: { id: number; options: unknown }): ShardedOptions {
  const options = driverOptionsOf(build);
  if (!options.sharding) throw new Error(`build ${build.id} is not sharded`);
  return { ...options, sharding: options.sharding };
}

/**
 * One build over several engines, as CI once did it with scripts: the task
 * master plans on the default engine (with every bundle), the kernels are
 * split into shards of equal work, each shard builds on an engine of its own
 * with only its bundles, its image travels through the registry, and the
 * default engine merges each onto the cache image (or, for a re-run, onto
 * the image being completed) as it arrives, while the others still build,
 * then squashes the result into the build's tag. Shards that cannot finish
 * leave the result partial, never wrong.
 */
export function shardedBuildRecipe(secrets: BuildSecrets): BuildRecipe {
  // One commit for the whole build: the plan's, which every shard checks out.
  return withWorkspaceSource(async (session, source) => {
    const rerunOf = driverOptionsOf(session.build).rerunOf;
    // Named only while the re-run runs, so that a re-run cancelled in the queue leaves no tag behind.
    if (rerunOf) await session.engine.getImage(rerunOf.dockerId).tag(splitImageRef(rerunOf.imageRef));
    try {
      return await runSharded(session, secrets, source);
    } finally {
      // A re-run named the image it completes for the task master; that name has done its work.
      if (rerunOf) await removeTag(session, rerunOf.imageRef);
    }
  });
}

async function runSharded(session: BuildSession, secrets: BuildSecrets, source: WorkspaceSource) {
  const { db, build } = session;
  const options = shardedOptionsOf(build);
  const workspace = db.select().from(workspaces).where(eq(workspaces.id, build.workspaceId!)).get();
  if (!workspace) throw new Error("the build's workspace no longer exists");
  const dockerfileText = await fs.promises.readFile(path.join(source.dir, workspace.dockerfile), "utf8");
  session.declareStages(["plan", "shards", "merge", "squash"]);

  // The plan: the real task master, with every bundle, as CI's planning job ran it.
  const cacheRef = options.cacheRepo ? `${options.cacheRepo}/collector-drivers:${options.cacheTag}` : null;
  if (!cacheRef) await ensureEmptyCacheImage(session.engine);
  else if (await pullForBuild(session.engine, cacheRef, { signal: session.signal })) session.note(`pulled the cache image ${cacheRef}`, "plan");
  const bundleRows = selectBundles(db, options.bundleIds);
  session.note(`planning ${workspace.name} at ${options.branch} over ${bundleRows.length} bundle(s) with the task master`, "plan");
  // The stage stays running until kobuild has read the plan, whatever the engine's steps say meanwhile.
  session.markStage("plan", "running", "the task master plans the build");
  // The workspace's stages up to its task master, with the plan stage kobuild adds (lib/builds/plan/plan-dockerfile.ts).
  const planBuild = planBuildOf(dockerfileText);
  const bundleFiles = bundleRows.map((b) => bundlePath(b.kernel));
  // Tagged for this build alone: a preview of the same inputs makes the same image and removes its own tag.
  const planTag = readerRef("plan");
  await session.runOnEngine(
    {
      context: engineContextOf({ workspacePath: source.dir, bundleFiles, extraFiles: planBuild.extraFiles }, "shard"),
      dockerfile: planBuild.dockerfile,
      stages: parseDockerfileStages(dockerfileText),
      target: planBuild.target,
      tag: planTag,
      buildargs: toBuildArgs(options, secrets),
      network: options.network ?? "none",
      noCache: options.noCache,
      pull: options.pull,
    },
    { stage: "plan", keyPrefix: "plan:" },
  );
  session.tasks.flush();
  session.note("reading the plan from the task master's /build-tasks", "plan");
  const plan = await explainPlanImage(session.engine, planTag, {
    sourceDir: source.dir,
    useKernelsFile: options.useKernelsFile,
    bundleKernels: bundleRows.map((b) => b.kernel),
    cacheImage: cacheRef ?? EMPTY_CACHE.image,
    signal: session.signal,
    db,
  });
  session.tasks.planTasks(plan);
  recordPlanOf(session, plan);
  session.note(`the plan: ${plan.tasks.filter((t) => t.state === "planned").length} task(s) to build`, "plan");
  session.markStage("plan", "done", "the task master plans the build");

  const bundleOf = new Map(db.select({ id: bundles.id, kernel: bundles.kernel }).from(bundles).all().map((b) => [b.kernel, b.id]));
  const { kernels: planned, timed } = weighKernels(plannedTasks(db, build.id), recentTaskSeconds(db, workspace.id));
  const orphans = planned.filter((k) => !bundleOf.has(k.kernel));
  if (orphans.length > 0) session.warn(`${orphans.length} planned kernel(s) have no bundle and are left out: ${preview(orphans.map((k) => k.kernel))}`);
  const buildable = planned.filter((k) => bundleOf.has(k.kernel));
  session.note(
    timed > 0
      ? `kernels weighed by the seconds their tasks took in recent builds (${timed} of ${planned.length} timed, the others at the median)`
      : "kernels weighed by their number of tasks: no recent build of this workspace timed them",
    "plan",
  );

  const registry = options.sharding.registryId ? getRegistryRow(options.sharding.registryId) : null;
  // Without a registry, images cannot leave the default engine: shards stay there.
  const eligible = (engineId: string) => registry !== null || engineId === DEFAULT_ENGINE_ID;
  const answering = await healthyEngines({ fresh: true });
  const engines = answering.filter((e) => eligible(e.id));
  if (engines.length < answering.length) session.warn("no registry was chosen to carry images between engines: every shard runs on the default engine");
  const wanted = options.sharding.engines === "all" ? engines.length : options.sharding.engines;
  if (engines.length === 0) throw new Error(registry ? "no Docker engine answers" : "the default Docker engine does not answer");
  if (engines.length < wanted && registry) session.warn(`${wanted} engine(s) asked for but ${engines.length} answer: the build is split over ${engines.length}`);
  const split = splitIntoShards(buildable, registry ? Math.min(wanted, engines.length) : wanted);
  const shards: ShardPlan[] = split.map((s, i) => ({ index: i + 1, kernels: s.kernels, bundleIds: s.kernels.map((k) => bundleOf.get(k)!), tasks: s.tasks }));
  const driversRepo = registry ? `${registry.url}/kobuild` : "kobuild";
  const base = `${driversRepo}/collector-drivers:build-${build.id}-${instanceId()}`;

  session.markStage("shards", "running", `${shards.length} shard(s) over ${Math.min(shards.length, engines.length)} engine(s)`);
  const transfers = shardTransfers(session, registry);
  const onto = options.rerunOf?.imageRef ?? cacheRef;
  const merges = arrivingMerges(session, { driversRepo, base, onto, shards: shards.length, transfers });
  try {
    const results =
      shards.length === 0
        ? []
        : await runShards(session, shards, engines, {
            secrets,
            maxAttempts: options.sharding.maxAttempts,
            eligible,
            refOf: (shard) => `${base}-shard-${shard.index}`,
            optionsOf: (shard, engineId) => ({
              ...options,
              sharding: null,
              rerunOf: null,
              useKernelsFile: false,
              bundleIds: shard.bundleIds,
              commit: source.commit,
              // Every shard's image goes to the registry (where CI kept them too): one built elsewhere pushes its own,
              // the coordinator pushes those of its engine beside the merge.
              push: registry && engineId !== DEFAULT_ENGINE_ID ? { registryId: registry.id } : null,
            }),
            // Each shard's image travels and is merged as soon as the shard is done, while the others still build.
            onDone: (shard) => {
              transfers.start(shard);
              merges.arrive(shard);
            },
            onGaveUp: () => merges.lose(),
          });
    if (shards.length === 0) session.note("the plan has nothing to build: every task is cached or blocklisted", "shards");
    const done = results.filter((r): r is DoneShard => r.status === "done");
    const lost = results.filter((r): r is Extract<ShardResult, { status: "gave-up" }> => r.status === "gave-up");
    session.markStage("shards", lost.length === results.length && results.length > 0 ? "failed" : "done", `${done.length} of ${shards.length} shard(s) done`);
    if (results.length > 0 && done.length === 0) throw new Error(`no shard finished: ${lost.map((r) => `shard ${r.index}: ${r.reason}`).join("; ")}`);

    const merged = await merges.result(done);
    const imageRecordId = await squashAndRecord(session, { driversRepo, merged, squashAboveLayers: options.sharding.squashAboveLayers ?? null });
    const missing = lost.flatMap((r) => r.kernels);
    return {
      imageRecordId,
      partial: lost.length ? `${missing.length} kernel(s) missing: ${lost.map((r) => `shard ${r.index} could not finish`).join(", ")} (${preview(missing)})` : undefined,
    };
  } finally {
    // No merge runs on after the build (a cancelled one ends with its signal), and its temporary tags are gone.
    await merges.stop();
    // Every push and pull has ended before the build does, and the shards' images are off this engine.
    await transfers.finish();
  }
}

/**
 * Squashes the merged image with the workspace's Dockerfile.squash (always,
 * or only above a threshold of layers) into the build's tag and reads it.
 */
async function squashAndRecord(session: BuildSession, m: { driversRepo: string; merged: string; squashAboveLayers: number | null }) {
  const { build } = session;
  const local: string[] = [];
  try {
    const result = await squashWhenDeep(session, m.driversRepo, m.merged, m.squashAboveLayers);
    if (result !== m.merged) local.push(result);
    session.note("reading /kernel-modules and /FAILURES from the result");
    session.logs.flush();
    const content = await readDriverImage(session.engine, result, { signal: session.signal });
    // Marks where reading the image ends and recording it begins: the log's timestamps time each.
    session.note(`read ${content.drivers.length + content.failures.length} file(s) from the result; recording them`);
    await session.engine.getImage(result).tag(splitImageRef(build.tag!));
    const stored = await storeDriverImage(session.db, session.engine, build.tag!, { tag: build.tag, content, signal: session.signal });
    session.tasks.settle(imageResults(session.db, stored.imageId));
    session.note(`${build.tag}: ${stored.drivers} driver file(s) and marker(s), ${stored.failures} failure log(s), ${stored.layers ?? "?"} layer(s)`);
    const layers = layerWarning(build.tag!, stored.layers);
    if (layers) session.warn(layers);
    return stored.imageId;
  } finally {
    for (const ref of local) await removeTag(session, ref);
  }
}


/**
 * Squashes the merged image into two layers with the workspace's
 * Dockerfile.squash, unless a threshold is set and the image stays at or
 * below it: then the merged image is the result, and the squash stage ends
 * skipped (which is how a channel tells whether its publication was squashed).
 */
async function squashWhenDeep(session: BuildSession, driversRepo: string, merged: string, squashAboveLayers: number | null): Promise<string> {
  const { build } = session;
  if (squashAboveLayers !== null) {
    const layers = (await inspectImage(session.engine, merged)).RootFS?.Layers?.length ?? 0;
    if (layers <= squashAboveLayers) {
      session.note(`the merged image has ${layers} layer(s), not more than ${squashAboveLayers}: not squashed`, "merge");
      return merged;
    }
    session.note(`the merged image has ${layers} layer(s), more than ${squashAboveLayers}: squashed`, "squash");
  } else {
    session.note("no layer threshold: the merged image is squashed", "squash");
  }
  const squash = await readOperationDockerfile(session.db, "squash", build.workspaceId);
  const squashed = temporaryRef("squash", build.id);
  session.markStage("squash", "running", "squash into two layers");
  await session.runOnEngine(
    {
      context: dockerfileContext(squash.text),
      dockerfile: "Dockerfile",
      stages: parseDockerfileStages(squash.text),
      buildargs: { DRIVERS_REPO: driversRepo, DRIVERS_TAG: tagOf(merged) },
      tag: squashed,
    },
    { stage: "squash", keyPrefix: "squash:" },
  );
  session.markStage("squash", "done", "squash into two layers");
  return squashed;
}

/** The build's planned tasks counted per kernel and flavour, in plan order. */
function plannedTasks(db: Db, buildId: number) {
  return db
    .select({ kernel: tasks.kernel, builder: tasks.builder, flavour: tasks.flavour, tasks: count() })
    .from(tasks)
    .where(and(eq(tasks.buildId, buildId), eq(tasks.state, "planned")))
    .groupBy(tasks.kernel, tasks.builder, tasks.flavour)
    .orderBy(sql`min(${tasks.id})`)
    .all();
}

function preview(items: string[], max = 8) {
  return items.length > max ? `${items.slice(0, max).join(", ")} and ${items.length - max} more` : items.join(", ");
}
