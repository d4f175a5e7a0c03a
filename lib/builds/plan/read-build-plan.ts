import "server-only";
import type Docker from "dockerode";
import type { Db } from "@/lib/db/client";
import { buildImageQuietly, QuietBuildFailed } from "@/lib/docker/build-image-quietly";
import { ContextStalled } from "@/lib/docker/context-watchdog";
import type { BuildNetwork } from "@/lib/vocabulary";
import { engineContextOf, type ContextFingerprint } from "../build-context";
import { explainPlan, type ExplainedPlan } from "./explain-plan";
import { copiesFromContextRoot } from "./context-root-copies";
import { PLAN_DOCKERFILE, PLAN_STAGE, planDockerfile } from "./plan-dockerfile";
import { readBlocklistFiles, readKernelsFile } from "./plan-inputs";
import { readCacheTasks } from "./read-cache-tasks";
import { readPlanImage, type ModuleVersionSource } from "./read-plan-image";
import { readerRef } from "../temporary-tags";
import { imageVanished } from "@/lib/docker/image/image-vanished";

export type PlanRequest = {
  engine: Docker;
  /** The checkout sent as collector/, and the Dockerfile's path inside it. */
  sourceDir: string;
  dockerfilePath: string;
  dockerfileText: string;
  bundleFiles: string[];
  /** The kernels of those bundles, in the same order. */
  bundleKernels: string[];
  useKernelsFile: boolean;
  cacheImage: string;
  buildargs: Record<string, string>;
  network: BuildNetwork;
  useBuildKit: boolean;
  signal?: AbortSignal;
  db?: Db;
};

export type BuildPlan = ExplainedPlan & {
  moduleVersions: ModuleVersionSource[];
  /** What the context held when the plan was read, to compare with the build's own. */
  fingerprint: ContextFingerprint;
};

export class PlanUnreadable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanUnreadable";
  }
}

/** What a build of the plan stage sends: kobuild's Dockerfile beside collector/, and its target. */
export function planBuildOf(dockerfileText: string) {
  const dockerfile = planDockerfile(dockerfileText);
  if ("missing" in dockerfile) throw new PlanUnreadable(`the Dockerfile has no ${dockerfile.missing.join(" or ")} stage, where the seed's build makes its plan`);
  return { dockerfile: PLAN_DOCKERFILE, target: PLAN_STAGE, extraFiles: planFiles(dockerfile.text) };
}

/** kobuild's file at the context's root: the Dockerfile with the plan stage added. */
const planFiles = (text: string) => [{ name: PLAN_DOCKERFILE, content: text }];

/**
 * The plan build's own files, for the build's context too: then both builds
 * send the same bytes, and BuildKit, which keeps an unpacked tar context by
 * its digest, neither unpacks nor stores the second one. None for the classic
 * builder (which keeps nothing), for a Dockerfile without a plan, and for one
 * whose COPY or ADD could take a file at the context's root into the image.
 */
export function planFilesForBuildContext(dockerfileText: string, useBuildKit: boolean): { name: string; content: string }[] {
  if (!useBuildKit || copiesFromContextRoot(dockerfileText, PLAN_DOCKERFILE)) return [];
  const dockerfile = planDockerfile(dockerfileText);
  return "missing" in dockerfile ? [] : planFiles(dockerfile.text);
}

export type PlanExplanationInputs = Pick<PlanRequest, "sourceDir" | "useKernelsFile" | "bundleKernels" | "cacheImage" | "signal" | "db">;

/** Reads a built plan image by its reader's own tag (and removes the tag) and explains every task the build could have had. */
export async function explainPlanImage(engine: Docker, ref: string, inputs: PlanExplanationInputs) {
  const facts = await readPlanImage(engine, ref, inputs.signal);
  const [blocklists, kernelsFile, cache] = await Promise.all([
    readBlocklistFiles(inputs.sourceDir),
    inputs.useKernelsFile ? readKernelsFile(inputs.sourceDir) : null,
    readCacheTasks(engine, inputs.cacheImage, inputs.db),
  ]);
  const kernels = inputs.useKernelsFile ? (kernelsFile ?? []) : inputs.bundleKernels;
  const explained = explainPlan({ facts, kernels, cached: cache.status === "read" ? cache.tasks : new Set(), blocklists });
  return { ...explained, moduleVersions: facts.moduleVersions };
}

/**
 * The plan as the build's own stages make it: the workspace's Dockerfile
 * with the plan stage added is built up to that stage (from the engine's
 * cache when the build already ran its task master), quietly, its
 * /build-tasks and module version directories are read, and each task the
 * build could have had but does not is explained (cached, blocklisted, or
 * not planned).
 */
export async function readBuildPlan(request: PlanRequest): Promise<BuildPlan> {
  const planBuild = planBuildOf(request.dockerfileText);
  for (let attempt = 1; ; attempt++) {
    const fingerprint: ContextFingerprint = { value: "" };
    const tag = readerRef("plan");
    try {
      await buildImageQuietly(request.engine, {
        context: engineContextOf({ workspacePath: request.sourceDir, bundleFiles: request.bundleFiles, extraFiles: planBuild.extraFiles, fingerprint }, "plan"),
        dockerfile: planBuild.dockerfile,
        target: planBuild.target,
        tag,
        buildargs: request.buildargs,
        network: request.network,
        useBuildKit: request.useBuildKit,
        signal: request.signal,
      });
      return { ...(await explainPlanImage(request.engine, tag, request)), fingerprint };
    } catch (error) {
      // A build that failed may still have tagged its result (a read removed it already: then this finds nothing).
      await request.engine.getImage(tag).remove().catch(() => undefined);
      // Another reader of the same plan removed the image between the engine making it and tagging it
      // for this one: the stages are cached, so building it again costs little.
      if (attempt < PLAN_ATTEMPTS && !request.signal?.aborted && imageVanished(error)) continue;
      if (error instanceof QuietBuildFailed) {
        const tail = error.tail.filter((l) => l.trim() !== "").slice(-3);
        throw new PlanUnreadable(`the task master's stages failed: ${error.message}${tail.length ? ` (${tail.join(" / ")})` : ""}`);
      }
      if (error instanceof ContextStalled) throw new PlanUnreadable(error.message);
      throw error;
    }
  }
}

const PLAN_ATTEMPTS = 3;
