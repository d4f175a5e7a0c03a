import "server-only";
import fs from "node:fs";
import path from "node:path";
import { eq, inArray } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { buildBundles, bundles, workspaces } from "@/lib/db/schema";
import { bundlePath } from "@/lib/bundles/bundle-path";
import { EMPTY_CACHE, ensureEmptyCacheImage } from "@/lib/docker/ensure-empty-cache-image";
import { defaultEngine } from "@/lib/engines/engine-clients";
import { DEFAULT_ENGINE_ID } from "@/lib/engines/engine-store";
import { getRegistryRow } from "@/lib/registries/registry-store";
import { pullForBuild, pushImageRef } from "@/lib/registries/registry-transfer";
import { bringBaseImages } from "./bring-base-images";
import { toBuildArgs } from "./build-args";
import { driverOptionsOf } from "@/lib/build-options";
import { engineContextOf, type ContextFingerprint } from "./build-context";
import type { BuildSecrets } from "./build-secrets";
import type { BuildRecipe, BuildSession } from "./build-session";
import { parseDockerfileStages } from "./dockerfile-stages";
import { readKernelsFile } from "./plan/plan-inputs";
import { planReaderFor } from "./plan/plan-reader";
import { planFilesForBuildContext } from "./plan/read-build-plan";
import { imageResults } from "./plan/image-results";
import { storeDriverImage } from "@/lib/driver-images/store-driver-image";
import { withWorkspaceSource } from "./workspace-source";
import { dockerfileBaseImages, stageBaseImage } from "./dockerfile-base-images";
import { recordBuildInputs } from "./record-build-inputs";

const TASK_MASTER = "task-master";
const DONE = new Set(["done", "cached"]);

/**
 * The dockerized driver build: the workspace and the bundles go in, the
 * drivers are read out of the image it made. Its plan is read from its own
 * /build-tasks while the builders compile (lib/builds/plan), and the image
 * settles how each task ended.
 */
export function driverBuildRecipe(secrets: BuildSecrets): BuildRecipe {
  return withWorkspaceSource(async (session, source) => {
    const { db, build } = session;
    const workspace = db.select().from(workspaces).where(eq(workspaces.id, build.workspaceId!)).get();
    if (!workspace) throw new Error("the build's workspace no longer exists");
    const options = driverOptionsOf(build);

    const dockerfileText = await fs.promises.readFile(path.join(source.dir, workspace.dockerfile), "utf8");
    const declared = parseDockerfileStages(dockerfileText);
    session.declareStages(declared);
    const buildargs = toBuildArgs(options, secrets);
    const cacheImage = options.cacheRepo ? `${options.cacheRepo}/collector-drivers:${options.cacheTag}` : EMPTY_CACHE.image;
    if (!options.cacheRepo) await ensureEmptyCacheImage(session.engine);
    else await pullCache(session, cacheImage);
    if (build.engineId && build.engineId !== DEFAULT_ENGINE_ID) {
      await bringBaseImages(session.engine, defaultEngine(), dockerfileText, buildargs, { note: (text) => session.note(text), signal: session.signal });
    }
    const bundleRows = recordBuildBundles(db, build.id, options.bundleIds);
    const bundleFiles = bundleRows.map((b) => bundlePath(b.kernel));
    session.note(
      `building ${workspace.name} at ${options.branch} with ${bundleFiles.length} bundle(s), ` +
        `${session.useBuildKit ? "BuildKit" : "the classic builder"} on ${session.engineName}`,
    );

    const network = options.network ?? "none";
    const kernels = options.useKernelsFile ? ((await readKernelsFile(source.dir)) ?? []) : bundleRows.map((b) => b.kernel);
    session.tasks.followKernels(kernels, options.buildJobs && options.buildJobs > 0 ? options.buildJobs : 1);
    const fingerprint: ContextFingerprint = { value: "" };
    const plan = planReaderFor(
      session,
      {
        sourceDir: source.dir,
        dockerfilePath: workspace.dockerfile,
        dockerfileText,
        bundleFiles,
        bundleKernels: bundleRows.map((b) => b.kernel),
        useKernelsFile: options.useKernelsFile,
        cacheImage,
        buildargs,
        network,
        useBuildKit: session.useBuildKit,
      },
      fingerprint,
    );
    // BuildKit reports a stage's steps up front, so "done" means done; the classic builder
    // builds stages in order, so a later stage starting means the task master is over.
    const afterTaskMaster = declared.indexOf(TASK_MASTER);
    let taskMasterDone = false;
    session.onStageChange((stage, status) => {
      const position = declared.indexOf(stage);
      if ((stage === TASK_MASTER && DONE.has(status)) || (!session.useBuildKit && afterTaskMaster >= 0 && position > afterTaskMaster)) {
        taskMasterDone = true;
        plan.start();
      }
      if (DONE.has(status) || status === "failed") session.tasks.builderEnded(stage);
    });

    let imageId: string;
    try {
      imageId = await session.runOnEngine({
        context: engineContextOf({ workspacePath: source.dir, bundleFiles, extraFiles: planFilesForBuildContext(dockerfileText, session.useBuildKit), fingerprint }, "build"),
        dockerfile: `collector/${workspace.dockerfile}`,
        stages: declared,
        tag: build.tag,
        target: build.target,
        buildargs,
        network,
        noCache: options.noCache,
        pull: options.pull,
      });
    } finally {
      // A build that failed after its task master still has a plan worth showing.
      if (taskMasterDone && !session.signal.aborted) plan.start();
      await plan.done();
    }
    // What the FROM lines resolved to, for the drivers' provenance; the cache is one of them.
    // Asked of the engine while the result is read.
    const inputsRecorded = recordBuildInputs(
      db,
      session.engine,
      build.id,
      dockerfileBaseImages(dockerfileText, buildargs).map((ref) => ({
        role: ref === cacheImage ? "cache" : "base",
        ref,
        stages: declared.filter((stage) => stageBaseImage(dockerfileText, buildargs, stage) === ref),
      })),
    );
    // Its failure is reported where it is awaited, not as an unhandled rejection meanwhile.
    inputsRecorded.catch(() => undefined);
    // Up to a stage before the task master, the build has no plan to read (and reading it would run the task master).
    if (!plan.started && (!build.target || declared.indexOf(build.target) >= afterTaskMaster)) plan.start();
    await plan.done();

    if (build.target) {
      await inputsRecorded;
      return { imageRecordId: null };
    }
    if (build.parentId !== null) {
      await inputsRecorded;
      // A shard: the coordinator merges it and reads the result. Built on another engine, it reaches the coordinator through the registry.
      if (options.push) {
        session.note(`pushing ${build.tag} so that the sharded build can merge it`);
        session.logs.flush();
        const { digest } = await pushImageRef(session.engine, build.tag!, getRegistryRow(options.push.registryId), session.signal);
        session.note(`pushed ${build.tag}${digest ? ` (${digest})` : ""}`);
      }
      return { imageRecordId: null };
    }
    session.note("reading /kernel-modules and /FAILURES from the image");
    session.logs.flush();
    const [stored] = await Promise.all([storeDriverImage(db, session.engine, imageId, { tag: build.tag, signal: session.signal }), inputsRecorded]);
    session.tasks.settle(imageResults(db, stored.imageId));
    session.note(`${stored.drivers} driver file(s) and marker(s), ${stored.failures} failure log(s)`);
    return { imageRecordId: stored.imageId };
  });
}

/** A cache in a configured registry is pulled with its credentials first; the engine then finds it locally. */
async function pullCache(session: BuildSession, ref: string) {
  const registry = await pullForBuild(session.engine, ref, { signal: session.signal, onStatus: (line) => session.note(`pull: ${line}`) });
  if (registry) session.note(`pulled the cache image ${ref} from registry ${registry}`);
}

/** The bundles a build sends in its context: the ones it names, or every stored one. */
export function selectBundles(db: Db, ids: number[] | null) {
  return ids ? db.select().from(bundles).where(inArray(bundles.id, ids)).all() : db.select().from(bundles).all();
}

/** The build's bundles, kept with their sha256 as they are now: a later replacement does not rewrite what the build used. */
function recordBuildBundles(db: Db, buildId: number, ids: number[] | null) {
  const rows = selectBundles(db, ids);
  db.transaction((tx) => {
    for (const b of rows) tx.insert(buildBundles).values({ buildId, kernel: b.kernel, sha256: b.sha256, size: b.size }).onConflictDoNothing().run();
  });
  return rows;
}
