import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { inArray } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { bundles } from "@/lib/db/schema";
import { bundlePath } from "@/lib/bundles/bundle-path";
import { EMPTY_CACHE, ensureEmptyCacheImage } from "@/lib/docker/ensure-empty-cache-image";
import { defaultEngine } from "@/lib/engines/engine-clients";
import { probeEngine } from "@/lib/docker/probe-engine";
import { DomainError } from "@/lib/domain-error";
import { getWorkspace } from "@/lib/workspace/get-workspace";
import { resolveCommit } from "@/lib/workspace/git";
import { defaultBranchOf } from "@/lib/workspace/resolve-build-branch";
import { toBuildArgs } from "../build-args";
import type { CreateBuildBody } from "../build-schemas";
import { summarizePlan } from "./explain-plan";
import { readBlocklistFiles } from "./plan-inputs";
import { PlanUnreadable, readBuildPlan } from "./read-build-plan";
import { readCacheTasks } from "./read-cache-tasks";

type PlanOptions = Pick<
  CreateBuildBody,
  "workspaceId" | "branch" | "legacyProbes" | "useKernelsFile" | "cacheRepo" | "cacheTag" | "checkoutBeforePatching" | "bundleIds" | "buildJobs" | "builder" | "network" | "redhatUsername" | "redhatPassword"
>;

const LISTED = 500;

/**
 * The plan a build with these options would make, made by the workspace's
 * own task master: the build's stages up to it run on the default engine
 * (from its cache when they ran before) with the bundles and cache the build
 * would use, and kobuild reads the /build-tasks it writes. Nothing is
 * started that stays; problems that would stop the build are listed, not thrown.
 */
export async function previewBuildPlan(body: PlanOptions, signal?: AbortSignal) {
  const started = Date.now();
  const workspace = getWorkspace(body.workspaceId);
  const options = { ...body, branch: body.branch ?? (await defaultBranchOf(workspace)) };
  const problems: string[] = [];
  const commit = await resolveCommit(workspace.path, options.branch);
  if (options.checkoutBeforePatching && !commit) throw new DomainError("not_found", `the workspace ${workspace.name} has no branch or tag ${options.branch}`);

  const db = getDb();
  const ids = options.bundleIds ? [...new Set(options.bundleIds)] : null;
  const rows = (ids ? db.select().from(bundles).where(inArray(bundles.id, ids)) : db.select().from(bundles)).all();
  if (ids && rows.length !== ids.length) throw new DomainError("not_found", "some of the chosen bundles no longer exist");

  const engine = defaultEngine();
  const state = await probeEngine(engine);
  if (!state.reachable) throw new DomainError("engine_unavailable", `the planning needs the Docker engine, which does not answer: ${state.error}`);
  const cacheImage = options.cacheRepo && options.cacheTag ? `${options.cacheRepo}/collector-drivers:${options.cacheTag}` : null;
  const cache = cacheImage ? await readCacheTasks(engine, cacheImage) : null;
  if (cache && cache.status !== "read") problems.push(cache.error);
  else if (!cacheImage) await ensureEmptyCacheImage(engine);

  const dockerfileText = await fs.readFile(path.join(workspace.path, workspace.dockerfile), "utf8");
  const blocklists = await readBlocklistFiles(workspace.path);
  const plan = cache?.status === "missing"
    ? null
    : await readBuildPlan({
        engine,
        sourceDir: workspace.path,
        dockerfilePath: workspace.dockerfile,
        dockerfileText,
        bundleFiles: rows.map((b) => bundlePath(b.kernel)),
        bundleKernels: rows.map((b) => b.kernel),
        useKernelsFile: options.useKernelsFile,
        cacheImage: cacheImage ?? EMPTY_CACHE.image,
        buildargs: toBuildArgs({ ...options, cacheRepo: options.cacheRepo ?? null, cacheTag: options.cacheTag ?? null }, options),
        network: options.network ?? workspace.network,
        useBuildKit: options.builder === "classic" ? false : state.buildkit,
        signal,
      }).catch((error: unknown) => {
        if (error instanceof PlanUnreadable) {
          problems.push(error.message);
          return null;
        }
        throw error;
      });

  const summary = plan ? summarizePlan(plan) : { toBuild: 0, fromCache: 0, blocklisted: 0, perBuilder: { "rhel-8": 0, "rhel-7": 0 }, perModuleVersion: {} };
  const blocklisted = plan?.tasks.filter((t) => t.state === "blocklisted") ?? [];
  return {
    workspace: { id: workspace.id, name: workspace.name },
    branch: options.branch,
    commit: options.checkoutBeforePatching ? commit : null,
    moduleVersions: plan?.moduleVersions ?? [],
    kernels: {
      source: options.useKernelsFile ? ("KERNEL_VERSIONS" as const) : ("bundles" as const),
      /** Kernels the task master was given. */
      count: plan?.kernels ?? 0,
      /** Kernels the task master was given and planned nothing for, without a cache or BLOCKLIST reason. */
      leftOut: plan?.kernelsLeftOut ?? [],
    },
    cache: cacheImage ? { image: cacheImage, status: cache!.status, error: cache!.status === "read" ? null : cache!.error, tasks: cache!.status === "read" ? cache!.tasks.size : null } : null,
    total: summary.toBuild + summary.fromCache + summary.blocklisted + (plan?.notPlanned ?? 0),
    toBuild: summary.toBuild,
    fromCache: summary.fromCache,
    blocklisted: summary.blocklisted,
    notPlanned: plan?.notPlanned ?? 0,
    perBuilder: summary.perBuilder,
    perModuleVersion: summary.perModuleVersion,
    blocklistedTasks: blocklisted.slice(0, LISTED).map((t) => ({ kernel: t.kernel, moduleVersion: t.moduleVersion, flavour: t.flavour, rule: t.rule! })),
    blocklistProblems: blocklists.flatMap((f) => f.rules.filter((r) => r.error).map((r) => ({ file: f.file, line: r.line, text: r.text, error: r.error! }))),
    problems,
    /** How long the task master took to plan, engine included. */
    durationMs: Date.now() - started,
  };
}

export type BuildPlanPreview = Awaited<ReturnType<typeof previewBuildPlan>>;
