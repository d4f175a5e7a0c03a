// The build form's state and how it becomes the body of POST /api/builds
// (and of the plan preview). Pure, so the mapping is tested on its own.

import { BUILD_NETWORKS, type BuildNetwork } from "@/lib/vocabulary";
import { chosenFromBuild, chosenFromEveryBundle, type BundleChoice } from "./bundle-selection";
import { DEFAULT_SHARDING_CHOICE, shardingChoiceOf, toSharding, type ShardingChoice } from "./sharding-choice";

/** Every stored bundle, exactly the chosen ones, or the kernels of KERNEL_VERSIONS. */
export type KernelChoice = "all" | "chosen" | "file";
/** A build's network: the workspace's own setting (sent as nothing), or one named. */
export type NetworkChoice = "workspace" | BuildNetwork;

export type BuildFormState = {
  workspaceId: number;
  branch: string;
  legacyProbes: boolean;
  kernels: KernelChoice;
  /** The bundle ids sent when `kernels` is "chosen", ascending. */
  chosenBundles: number[];
  checkoutBeforePatching: boolean;
  cacheRepo: string;
  cacheTag: string;
  buildJobs: string;
  builder: "auto" | "buildkit" | "classic";
  network: NetworkChoice;
  noCache: boolean;
  pull: boolean;
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
    chosenBundles: [],
    checkoutBeforePatching: true,
    cacheRepo: "",
    cacheTag: "",
    buildJobs: "",
    builder: "auto",
    network: "workspace",
    noCache: false,
    pull: false,
    tag: "",
    redhatUsername: "",
    redhatPassword: "",
    sharding: DEFAULT_SHARDING_CHOICE,
  };
}

/** The request body; credentials only when `withSecrets` (the plan preview never carries them). */
export function toBuildBody(state: BuildFormState, { withSecrets }: { withSecrets: boolean }) {
  const body: Record<string, unknown> = {
    workspaceId: state.workspaceId,
    branch: state.branch.trim(),
    legacyProbes: state.legacyProbes,
    useKernelsFile: state.kernels === "file",
    checkoutBeforePatching: state.checkoutBeforePatching,
    builder: state.builder,
  };
  // Exactly the checked bundles; "every bundle" stays an absent list.
  if (state.kernels === "chosen") body.bundleIds = [...state.chosenBundles];
  if (state.network !== "workspace") body.network = state.network;
  if (state.noCache) body.noCache = true;
  if (state.pull) body.pull = true;
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

/** An earlier build's bundles the form cannot check again, and (for a build that sent every bundle) how many were stored since. */
export type LostBundles = { count: number; kernels: string[]; since: number };

/** What "run again" could not bring back, in words (empty when nothing): it follows "Options of build #n.". */
export function lostBundlesText({ count, kernels, since }: LostBundles): string {
  const parts: string[] = [];
  if (count > 0) {
    const named = kernels.length ? ` (${kernels.slice(0, 5).join(", ")}${kernels.length > 5 ? ", …" : ""})` : "";
    parts.push(`${count} of its bundles ${count === 1 ? "is" : "are"} no longer stored${named} and cannot be chosen.`);
  }
  if (since > 0) parts.push(`It sent every bundle stored then; the ${since} stored since ${since === 1 ? "is" : "are"} left unchecked.`);
  return parts.map((p) => ` ${p}`).join("");
}

/**
 * The form as an earlier build left it ("run again"): same options, the same
 * bundles (see chosenFromBuild for those stored again under a new id),
 * credentials to be typed again.
 */
export function stateFromBuildOptions(
  workspaceId: number,
  options: Record<string, unknown>,
  bundles: readonly BundleChoice[],
  sentKernels: readonly string[] = [],
): { state: Partial<BuildFormState>; lostBundles: LostBundles } {
  const state: Partial<BuildFormState> = { workspaceId };
  let lostBundles: LostBundles = { count: 0, kernels: [], since: 0 };
  if (typeof options.branch === "string") state.branch = options.branch;
  if (typeof options.legacyProbes === "boolean") state.legacyProbes = options.legacyProbes;
  if (typeof options.checkoutBeforePatching === "boolean") state.checkoutBeforePatching = options.checkoutBeforePatching;
  if (typeof options.cacheRepo === "string") state.cacheRepo = options.cacheRepo;
  if (typeof options.cacheTag === "string") state.cacheTag = options.cacheTag;
  if (typeof options.buildJobs === "number") state.buildJobs = String(options.buildJobs);
  if (options.builder === "auto" || options.builder === "buildkit" || options.builder === "classic") state.builder = options.builder;
  // The network the build ran with, as it was resolved then: the same build again uses it.
  if ((BUILD_NETWORKS as readonly unknown[]).includes(options.network)) state.network = options.network as BuildNetwork;
  if (typeof options.noCache === "boolean") state.noCache = options.noCache;
  if (typeof options.pull === "boolean") state.pull = options.pull;
  if (options.sharding) state.sharding = shardingChoiceOf(options.sharding);
  if (options.useKernelsFile === true) state.kernels = "file";
  else if (Array.isArray(options.bundleIds)) {
    const ids = options.bundleIds.filter((id): id is number => Number.isInteger(id));
    const { chosen, lost, missing } = chosenFromBuild(ids, sentKernels, bundles);
    state.kernels = "chosen";
    state.chosenBundles = chosen;
    lostBundles = { count: lost, kernels: missing, since: 0 };
  } else {
    // Every bundle stored then: bundles stored since are not that build's, so they stay unchecked.
    const sent = chosenFromEveryBundle(sentKernels, bundles);
    if (sent) {
      state.kernels = "chosen";
      state.chosenBundles = sent.chosen;
      lostBundles = { count: sent.missing.length, kernels: sent.missing, since: sent.since };
    }
  }
  return { state, lostBundles };
}
