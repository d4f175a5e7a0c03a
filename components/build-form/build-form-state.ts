// The build form's state and how it becomes the body of POST /api/builds
// (and of the plan preview). Pure, so the mapping is tested on its own.

import { DEFAULT_SHARDING_CHOICE, shardingChoiceOf, toSharding, type ShardingChoice } from "./sharding-choice";

export type KernelChoice = "all" | "subset" | "file";

export type BuildFormState = {
  workspaceId: number;
  branch: string;
  legacyProbes: boolean;
  kernels: KernelChoice;
  /** Part of a kernel id or uname that picks the subset. */
  kernelFilter: string;
  checkoutBeforePatching: boolean;
  cacheRepo: string;
  cacheTag: string;
  buildJobs: string;
  builder: "auto" | "buildkit" | "classic";
  tag: string;
  redhatUsername: string;
  redhatPassword: string;
  sharding: ShardingChoice;
};

/** A new build's form: every option at the build's own default. */
export function defaultBuildFormState(workspaceId: number, branch: string): BuildFormState {
  return {
    workspaceId,
    branch,
    legacyProbes: false,
    kernels: "all",
    kernelFilter: "",
    checkoutBeforePatching: true,
    cacheRepo: "",
    cacheTag: "",
    buildJobs: "",
    builder: "auto",
    tag: "",
    redhatUsername: "",
    redhatPassword: "",
    sharding: DEFAULT_SHARDING_CHOICE,
  };
}

export type BundleChoice = { id: number; kernel: string; uname: string };

/** Bundles whose kernel id or uname holds the filter, case-insensitive; an empty filter picks none. */
export function bundlesMatching(bundles: readonly BundleChoice[], filter: string): BundleChoice[] {
  const needle = filter.trim().toLowerCase();
  if (!needle) return [];
  return bundles.filter((b) => b.kernel.toLowerCase().includes(needle) || b.uname.toLowerCase().includes(needle));
}

/** The request body; credentials only when `withSecrets` (the plan preview never carries them). */
export function toBuildBody(state: BuildFormState, bundles: readonly BundleChoice[], { withSecrets }: { withSecrets: boolean }) {
  const body: Record<string, unknown> = {
    workspaceId: state.workspaceId,
    branch: state.branch.trim(),
    legacyProbes: state.legacyProbes,
    useKernelsFile: state.kernels === "file",
    checkoutBeforePatching: state.checkoutBeforePatching,
    builder: state.builder,
  };
  if (state.kernels === "subset") body.bundleIds = bundlesMatching(bundles, state.kernelFilter).map((b) => b.id);
  if (state.cacheRepo.trim() || state.cacheTag.trim()) {
    body.cacheRepo = state.cacheRepo.trim();
    body.cacheTag = state.cacheTag.trim();
  }
  if (state.buildJobs.trim()) body.buildJobs = Number(state.buildJobs);
  if (state.tag.trim()) body.tag = state.tag.trim();
  const sharding = toSharding(state.sharding);
  if (sharding) body.sharding = sharding;
  if (withSecrets) {
    if (state.redhatUsername) body.redhatUsername = state.redhatUsername;
    if (state.redhatPassword) body.redhatPassword = state.redhatPassword;
  }
  return body;
}

/** The form as a finished build left it ("run again"): same options, credentials to be typed again. */
export function stateFromBuildOptions(workspaceId: number, options: Record<string, unknown>, bundles: readonly BundleChoice[]): Partial<BuildFormState> {
  const state: Partial<BuildFormState> = { workspaceId };
  if (typeof options.branch === "string") state.branch = options.branch;
  if (typeof options.legacyProbes === "boolean") state.legacyProbes = options.legacyProbes;
  if (typeof options.checkoutBeforePatching === "boolean") state.checkoutBeforePatching = options.checkoutBeforePatching;
  if (typeof options.cacheRepo === "string") state.cacheRepo = options.cacheRepo;
  if (typeof options.cacheTag === "string") state.cacheTag = options.cacheTag;
  if (typeof options.buildJobs === "number") state.buildJobs = String(options.buildJobs);
  if (options.builder === "auto" || options.builder === "buildkit" || options.builder === "classic") state.builder = options.builder;
  if (options.sharding) state.sharding = shardingChoiceOf(options.sharding);
  if (options.useKernelsFile === true) state.kernels = "file";
  else if (Array.isArray(options.bundleIds)) {
    // A subset is carried as the common part of its kernel ids when there is one that picks exactly them.
    const ids = new Set(options.bundleIds as number[]);
    const chosen = bundles.filter((b) => ids.has(b.id));
    const prefix = commonPrefix(chosen.map((b) => b.kernel));
    if (prefix && bundlesMatching(bundles, prefix).length === chosen.length) {
      state.kernels = "subset";
      state.kernelFilter = prefix;
    } else if (chosen.length === 1) {
      state.kernels = "subset";
      state.kernelFilter = chosen[0]!.kernel;
    }
  }
  return state;
}

function commonPrefix(values: string[]): string {
  if (values.length === 0) return "";
  let prefix = values[0]!;
  for (const v of values) while (!v.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}
