import { describe, expect, it } from "vitest";
import { DEFAULT_SHARDING_CHOICE } from "./sharding-choice";
import type { BundleChoice } from "./bundle-selection";
import { lostBundlesText, stateFromBuildOptions, toBuildBody, type BuildFormState } from "./build-form-state";

const bundle = (id: number, kernel: string, distro = "debian"): BundleChoice => ({
  id,
  kernel,
  uname: kernel,
  distro,
  version: Number(kernel.split(".")[0]),
  release: kernel.split("-")[0]!,
  builder: kernel.startsWith("3.") ? "rhel-7" : "rhel-8",
});

const bundles = [bundle(1, "6.1.0-55-amd64"), bundle(2, "6.1.0-56-amd64"), bundle(3, "6.1.0-56-cloud-amd64"), bundle(4, "3.10.0-1160.el7.x86_64", "centos")];

const base: BuildFormState = {
  workspaceId: 7,
  branch: " master ",
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
  redhatUsername: "rh-user",
  redhatPassword: "s3cret",
  sharding: DEFAULT_SHARDING_CHOICE,
};

describe("toBuildBody", () => {
  it("sends every bundle by leaving bundleIds out, the workspace's network by leaving network out, and trims the branch", () => {
    expect(toBuildBody(base, { withSecrets: false })).toEqual({
      workspaceId: 7,
      branch: "master",
      legacyProbes: false,
      useKernelsFile: false,
      checkoutBeforePatching: true,
      builder: "auto",
    });
  });

  it("keeps credentials out of the plan preview and in the build request", () => {
    expect(toBuildBody(base, { withSecrets: false })).not.toHaveProperty("redhatPassword");
    expect(toBuildBody(base, { withSecrets: true })).toMatchObject({ redhatUsername: "rh-user", redhatPassword: "s3cret" });
  });

  it("sends exactly the chosen bundles, even none (the API refuses that rather than sending every bundle)", () => {
    expect(toBuildBody({ ...base, kernels: "chosen", chosenBundles: [2, 4] }, { withSecrets: false }).bundleIds).toEqual([2, 4]);
    expect(toBuildBody({ ...base, kernels: "chosen", chosenBundles: [] }, { withSecrets: false }).bundleIds).toEqual([]);
    // Chosen bundles are forgotten by "every bundle", not sent.
    expect(toBuildBody({ ...base, kernels: "all", chosenBundles: [2] }, { withSecrets: false })).not.toHaveProperty("bundleIds");
  });

  it("sends a chosen network, --no-cache and --pull as the API names them", () => {
    expect(toBuildBody({ ...base, network: "host", noCache: true, pull: true }, { withSecrets: false })).toMatchObject({ network: "host", noCache: true, pull: true });
    expect(toBuildBody({ ...base, network: "none" }, { withSecrets: false }).network).toBe("none");
  });

  it("sends KERNEL_VERSIONS, the cache, BUILD_JOBS and the tag as the API names them", () => {
    const body = toBuildBody({ ...base, kernels: "file", cacheRepo: "127.0.0.1:5000/drivers ", cacheTag: "nightly", buildJobs: "4", tag: "kobuild/collector-drivers:x" }, { withSecrets: false });
    expect(body).toMatchObject({ useKernelsFile: true, cacheRepo: "127.0.0.1:5000/drivers", cacheTag: "nightly", buildJobs: 4, tag: "kobuild/collector-drivers:x" });
    expect(body).not.toHaveProperty("bundleIds");
    expect(body).not.toHaveProperty("sharding");
  });

  it("sends the sharding only when the build is spread over engines", () => {
    expect(toBuildBody({ ...base, sharding: { engines: "count", engineCount: "2", registryId: "", maxAttempts: "3" } }, { withSecrets: false }).sharding).toEqual({
      engines: 2,
      registryId: null,
      maxAttempts: 3,
    });
  });
});

describe("stateFromBuildOptions", () => {
  it("carries a sharded build's engines, registry and attempts over", () => {
    const { state } = stateFromBuildOptions(7, { branch: "master", sharding: { engines: 2, registryId: 5, maxAttempts: 4 } }, bundles);
    expect(toBuildBody({ ...base, ...state }, { withSecrets: false }).sharding).toEqual({ engines: 2, registryId: 5, maxAttempts: 4 });
  });

  it("gives back the options of an earlier build with exactly its bundles, even ones no filter picks alone", () => {
    const options = { branch: "bpf-ringbuf", legacyProbes: true, checkoutBeforePatching: false, bundleIds: [1, 3], builder: "classic", buildJobs: 2, network: "host", noCache: true, pull: false };
    const { state, lostBundles } = stateFromBuildOptions(7, options, bundles, ["6.1.0-55-amd64", "6.1.0-56-cloud-amd64"]);
    expect(state).toMatchObject({ branch: "bpf-ringbuf", legacyProbes: true, checkoutBeforePatching: false, kernels: "chosen", chosenBundles: [1, 3], builder: "classic", buildJobs: "2", network: "host", noCache: true, pull: false });
    expect(lostBundlesText(lostBundles)).toBe("");
    expect(toBuildBody({ ...base, ...state }, { withSecrets: false }).bundleIds).toEqual([1, 3]);
  });

  it("does not widen a build of every bundle to bundles stored after it", () => {
    const sent = bundles.filter((b) => b.id !== 3).map((b) => b.kernel);
    const { state, lostBundles } = stateFromBuildOptions(7, { branch: "master", bundleIds: null }, bundles, sent);
    expect(state).toMatchObject({ kernels: "chosen" });
    expect(toBuildBody({ ...base, ...state }, { withSecrets: false }).bundleIds).toEqual(bundles.filter((b) => b.id !== 3).map((b) => b.id));
    expect(lostBundlesText(lostBundles)).toBe(" It sent every bundle stored then; the 1 stored since is left unchecked.");
  });

  it("says which of the build's bundles are gone", () => {
    const { state, lostBundles } = stateFromBuildOptions(7, { branch: "master", bundleIds: [1, 99] }, bundles, [bundles[0]!.kernel, "5.4.0-1055-aws"]);
    expect(state.chosenBundles).toEqual([1]);
    expect(lostBundlesText(lostBundles)).toBe(" 1 of its bundles is no longer stored (5.4.0-1055-aws) and cannot be chosen.");
  });

  it("keeps every bundle as every bundle", () => {
    const { state } = stateFromBuildOptions(7, { branch: "master", bundleIds: null }, bundles);
    expect(state.kernels).toBeUndefined();
    expect(toBuildBody({ ...base, ...state }, { withSecrets: false })).not.toHaveProperty("bundleIds");
  });

  it("never carries credentials over", () => {
    const { state } = stateFromBuildOptions(7, { branch: "master", redhatCredentials: true }, bundles);
    expect(state).not.toHaveProperty("redhatUsername");
    expect(state).not.toHaveProperty("redhatPassword");
  });
});
