import "server-only";
import fs from "node:fs";
import path from "node:path";
import { eq, inArray } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { bundles, workspaces } from "@/lib/db/schema";
import { bundlePath } from "@/lib/bundles/bundle-path";
import { ensureEmptyCacheImage } from "@/lib/docker/ensure-empty-cache-image";
import { getDefaultEngine } from "@/lib/docker/engine";
import { DEFAULT_ENGINE_ID } from "@/lib/engines/engine-store";
import { getRegistryRow } from "@/lib/registries/registry-store";
import { pullForBuild, pushImageRef } from "@/lib/registries/registry-transfer";
import { bringBaseImages } from "./bring-base-images";
import { toBuildArgs, type DriverBuildOptions } from "./build-args";
import { streamBuildContext } from "./build-context";
import type { BuildSecrets } from "./build-secrets";
import type { BuildRecipe } from "./build-session";
import { parseDockerfileStages } from "./dockerfile-stages";
import { storeDriverImage } from "./store-driver-image";
import { withWorkspaceSource } from "./workspace-source";
import type { RerunOf, ShardingOptions, ShardPush } from "./shards/sharding-options";

export type StoredBuildOptions = DriverBuildOptions & {
  bundleIds: number[] | null;
  redhatCredentials: boolean;
  sharding?: ShardingOptions | null;
  rerunOf?: RerunOf | null;
  push?: ShardPush;
  /** A shard: the commit its sharded build chose, which every shard builds. */
  commit?: string | null;
};

/**
 * The dockerized driver build: the workspace and the bundles go in, the
 * drivers are read out of the image it made.
 */
export function driverBuildRecipe(secrets: BuildSecrets): BuildRecipe {
  return withWorkspaceSource(async (session, source) => {
    const { db, build } = session;
    const workspace = db.select().from(workspaces).where(eq(workspaces.id, build.workspaceId!)).get();
    if (!workspace) throw new Error("the build's workspace no longer exists");
    const options = build.options as unknown as StoredBuildOptions;

    const dockerfileText = await fs.promises.readFile(path.join(source.dir, workspace.dockerfile), "utf8");
    const declared = parseDockerfileStages(dockerfileText);
    session.declareStages(declared);
    const buildargs = toBuildArgs(options, secrets);
    if (!options.cacheRepo) await ensureEmptyCacheImage(session.engine);
    else await pullCache(session, `${options.cacheRepo}/collector-drivers:${options.cacheTag}`);
    if (build.engineId && build.engineId !== DEFAULT_ENGINE_ID) {
      await bringBaseImages(session.engine, getDefaultEngine(), dockerfileText, buildargs, { note: (text) => session.note(text), signal: session.signal });
    }
    const bundleFiles = selectBundleFiles(db, options.bundleIds);
    session.note(
      `building ${workspace.name} at ${options.branch} with ${bundleFiles.length} bundle(s), ` +
        `${session.useBuildKit ? "BuildKit" : "the classic builder"} on Docker ${session.engineVersion}`,
    );

    const imageId = await session.runOnEngine({
      context: streamBuildContext({ workspacePath: source.dir, bundleFiles }),
      dockerfile: `collector/${workspace.dockerfile}`,
      stages: declared,
      tag: build.tag,
      target: build.target,
      buildargs,
    });
    if (build.target) return { imageRecordId: null };
    if (build.parentId !== null) {
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
    const stored = await storeDriverImage(db, session.engine, imageId, { tag: build.tag, signal: session.signal });
    session.note(`${stored.drivers} driver file(s) and marker(s), ${stored.failures} failure log(s)`);
    return { imageRecordId: stored.imageId };
  });
}

/** A cache in a configured registry is pulled with its credentials first; the engine then finds it locally. */
async function pullCache(session: Parameters<BuildRecipe>[0], ref: string) {
  const registry = await pullForBuild(session.engine, ref, { signal: session.signal, onStatus: (line) => session.note(`pull: ${line}`) });
  if (registry) session.note(`pulled the cache image ${ref} from registry ${registry}`);
}

/** The bundles a build sends in its context: the ones it names, or every stored one. */
export function selectBundles(db: Db, ids: number[] | null) {
  return ids ? db.select().from(bundles).where(inArray(bundles.id, ids)).all() : db.select().from(bundles).all();
}

function selectBundleFiles(db: Db, ids: number[] | null) {
  return selectBundles(db, ids).map((b) => bundlePath(b.kernel));
}
