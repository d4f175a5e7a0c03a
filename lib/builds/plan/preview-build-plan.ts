import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { inArray } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { bundles } from "@/lib/db/schema";
import { getDefaultEngine } from "@/lib/docker/engine";
import { ApiError } from "@/lib/http/api-error";
import { parseBlocklist } from "@/lib/workspace/blocklist";
import { getWorkspace } from "@/lib/workspace/get-workspace";
import { defaultBranchOf } from "@/lib/workspace/resolve-build-branch";
import { objectTypes, resolveCommit } from "@/lib/workspace/git";
import { readWorkspaceFiles, WORKSPACE_FILES } from "@/lib/workspace/read-workspace-files";
import type { CreateBuildBody } from "../build-schemas";
import { planTasks, summarizePlan, type ModuleVersionSource } from "./plan-tasks";
import { readCacheTasks, type CacheTasks } from "./read-cache-tasks";

type PlanOptions = Pick<CreateBuildBody, "workspaceId" | "branch" | "legacyProbes" | "useKernelsFile" | "cacheRepo" | "cacheTag" | "checkoutBeforePatching" | "bundleIds">;

const LISTED = 500;
const BPF_DIR = "kernel-modules/bpf";

/**
 * The plan a build with these options would make, worked out from the same
 * inputs the task master reads: the module versions the patcher prepares
 * (BRANCH, and with LEGACY_PROBES every released tag), the kernels (bundles,
 * or KERNEL_VERSIONS), the cache image's drivers and the BLOCKLIST, both as
 * the build context carries them (the working tree). Problems that would stop
 * the build are listed, not thrown.
 */
export async function previewBuildPlan(body: PlanOptions) {
  const workspace = getWorkspace(body.workspaceId);
  const options = { ...body, branch: body.branch ?? (await defaultBranchOf(workspace)) };
  const problems: string[] = [];
  const checkout = options.checkoutBeforePatching;
  const commit = await resolveCommit(workspace.path, options.branch);
  if (checkout && !commit) throw new ApiError("not_found", `the workspace ${workspace.name} has no branch or tag ${options.branch}`);
  const [sources, tree] = await Promise.all([
    readWorkspaceFiles(workspace.path, checkout ? options.branch : undefined),
    checkout ? readWorkspaceFiles(workspace.path) : null,
  ]);
  const workingTree = tree ?? sources;

  const moduleVersions: (ModuleVersionSource & { from: string[] })[] = [];
  const addVersion = (moduleVersion: string, bpf: boolean, from: string) => {
    const known = moduleVersions.find((v) => v.moduleVersion === moduleVersion);
    if (known) known.from.push(from);
    else moduleVersions.push({ moduleVersion, bpf, from: [from] });
  };
  const bpfTypes = await objectTypes(workspace.path, [
    ...(checkout && commit ? [`${commit}:${BPF_DIR}`] : []),
    ...(options.legacyProbes ? sources.released.filter((r) => r.status === "ok").map((r) => `refs/tags/${r.collectorVersion}:${BPF_DIR}`) : []),
  ]);
  if (!sources.moduleVersion) problems.push(`${options.branch} has no ${WORKSPACE_FILES.moduleVersion}: the patcher would stop`);
  else {
    const bpf = checkout ? bpfTypes.get(`${commit}:${BPF_DIR}`) === "tree" : await isDirectory(path.join(workspace.path, BPF_DIR));
    addVersion(sources.moduleVersion, bpf, checkout ? options.branch : "working tree");
  }
  if (options.legacyProbes) {
    if (sources.releasedVersions === null) problems.push(`LEGACY_PROBES is on but ${options.branch} has no ${WORKSPACE_FILES.releasedVersions}: the patcher would stop`);
    for (const r of sources.released) {
      if (r.status === "ok") addVersion(r.moduleVersion!, bpfTypes.get(`refs/tags/${r.collectorVersion}:${BPF_DIR}`) === "tree", r.collectorVersion);
      else if (r.status === "missing-tag") problems.push(`RELEASED_VERSIONS lists ${r.collectorVersion} but the repository has no such tag: the patcher would stop`);
      else problems.push(`${r.collectorVersion} has no readable ${WORKSPACE_FILES.moduleVersion}: the patcher would stop`);
    }
  }

  let kernels: string[];
  let kernelSource: "bundles" | "KERNEL_VERSIONS";
  if (options.useKernelsFile) {
    kernelSource = "KERNEL_VERSIONS";
    if (workingTree.kernelVersions === null) {
      problems.push(`USE_KERNELS_FILE is on but the workspace has no ${WORKSPACE_FILES.kernelVersions}: the task master would stop`);
      kernels = [];
    } else kernels = workingTree.kernelVersions.map((line) => line.split(/\s+/)[0]!).filter(Boolean);
  } else {
    kernelSource = "bundles";
    const db = getDb();
    const ids = options.bundleIds ? [...new Set(options.bundleIds)] : null;
    kernels = (ids ? db.select({ kernel: bundles.kernel }).from(bundles).where(inArray(bundles.id, ids)) : db.select({ kernel: bundles.kernel }).from(bundles))
      .all()
      .map((b) => b.kernel);
    if (ids && kernels.length !== ids.length) throw new ApiError("not_found", "some of the chosen bundles no longer exist");
  }

  const cacheImage = options.cacheRepo && options.cacheTag ? `${options.cacheRepo}/collector-drivers:${options.cacheTag}` : null;
  let cache: CacheTasks | null = null;
  if (cacheImage) {
    cache = await readCacheTasks(getDefaultEngine(), cacheImage);
    if (cache.status === "missing") problems.push(cache.error);
  }

  const blocklist = parseBlocklist((workingTree.blocklist ?? []).join("\n"));
  const plan = planTasks({ kernels, moduleVersions, cached: cache?.status === "read" ? cache.tasks : new Set(), blocklist });
  const { perBuilder, perModuleVersion } = summarizePlan(plan);
  return {
    workspace: { id: workspace.id, name: workspace.name },
    branch: options.branch,
    commit: checkout ? commit : null,
    moduleVersions: moduleVersions.map(({ moduleVersion, bpf, from }) => ({ moduleVersion, bpf, from })),
    kernels: { source: kernelSource, count: plan.kernels.length, skipped: plan.skippedKernels },
    cache: cacheImage
      ? { image: cacheImage, status: cache!.status, error: cache!.status === "read" ? null : cache!.error, tasks: cache!.status === "read" ? cache!.tasks.size : null }
      : null,
    total: plan.total,
    toBuild: plan.toBuild.length,
    fromCache: plan.fromCache.length,
    blocklisted: plan.blocklisted.length,
    perBuilder,
    perModuleVersion,
    blocklistedTasks: plan.blocklisted.slice(0, LISTED),
    blocklistProblems: blocklist.filter((r) => r.error).map((r) => ({ line: r.line, text: r.text, error: r.error! })),
    problems,
  };
}

export type BuildPlanPreview = Awaited<ReturnType<typeof previewBuildPlan>>;

async function isDirectory(p: string) {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}
