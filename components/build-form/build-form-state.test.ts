import { describe, expect, it } from "vitest";
import { DEFAULT_SHARDING_CHOICE } from "./sharding-choice";
import { bundlesMatching, stateFromBuildOptions, toBuildBody, type BuildFormState } from "./build-form-state";

const bundles = [
  { id: 1, kernel: "6.1.0-55-amd64", uname: "6.1.0-55-amd64" },
  { id: 2, kernel: "6.1.0-56-amd64", uname: "6.1.0-56-amd64" },
  { id: 3, kernel: "6.1.0-56-cloud-amd64", uname: "6.1.0-56-cloud-amd64" },
  { id: 4, kernel: "3.10.0-1160.el7.x86_64", uname: "3.10.0-1160.el7.x86_64" },
];

const base: BuildFormState = {
  workspaceId: 7,
  branch: " master ",
  legacyProbes: false,
  kernels: "all",
  kernelFilter: "",
  checkoutBeforePatching: true,
  cacheRepo: "",
  cacheTag: "",
  buildJobs: "",
  builder: "auto",
  tag: "",
  redhatUsername: "rh-user",
  redhatPassword: "s3cret",
  sharding: DEFAULT_SHARDING_CHOICE,
};

describe("toBuildBody", () => {
  it("sends every bundle by leaving bundleIds out, and trims the branch", () => {
    expect(toBuildBody(base, bundles, { withSecrets: false })).toEqual({
      workspaceId: 7,
      branch: "master",
      legacyProbes: false,
      useKernelsFile: false,
      checkoutBeforePatching: true,
      builder: "auto",
    });
  });

  it("keeps credentials out of the plan preview and in the build request", () => {
    expect(toBuildBody(base, bundles, { withSecrets: false })).not.toHaveProperty("redhatPassword");
    expect(toBuildBody(base, bundles, { withSecrets: true })).toMatchObject({ redhatUsername: "rh-user", redhatPassword: "s3cret" });
  });

  it("turns a filtered subset into the ids of the matching bundles", () => {
    expect(toBuildBody({ ...base, kernels: "subset", kernelFilter: "CLOUD" }, bundles, { withSecrets: false }).bundleIds).toEqual([3]);
    expect(toBuildBody({ ...base, kernels: "subset", kernelFilter: " " }, bundles, { withSecrets: false }).bundleIds).toEqual([]);
  });

  it("sends KERNEL_VERSIONS, the cache, BUILD_JOBS and the tag as the API names them", () => {
    const body = toBuildBody({ ...base, kernels: "file", cacheRepo: "127.0.0.1:5000/drivers ", cacheTag: "nightly", buildJobs: "4", tag: "kobuild/collector-drivers:x" }, bundles, { withSecrets: false });
    expect(body).toMatchObject({ useKernelsFile: true, cacheRepo: "127.0.0.1:5000/drivers", cacheTag: "nightly", buildJobs: 4, tag: "kobuild/collector-drivers:x" });
    expect(body).not.toHaveProperty("bundleIds");
    expect(body).not.toHaveProperty("sharding");
  });

  it("sends the sharding only when the build is spread over engines", () => {
    expect(toBuildBody({ ...base, sharding: { engines: "count", engineCount: "2", registryId: "", maxAttempts: "3" } }, bundles, { withSecrets: false }).sharding).toEqual({
      engines: 2,
      registryId: null,
      maxAttempts: 3,
    });
  });
});

describe("stateFromBuildOptions", () => {
  it("carries a sharded build's engines, registry and attempts over", () => {
    const state = stateFromBuildOptions(7, { branch: "master", sharding: { engines: 2, registryId: 5, maxAttempts: 4 } }, bundles);
    expect(toBuildBody({ ...base, ...state }, bundles, { withSecrets: false }).sharding).toEqual({ engines: 2, registryId: 5, maxAttempts: 4 });
  });

  it("gives back the options of an earlier build, a subset as a filter that picks exactly it", () => {
    const state = stateFromBuildOptions(7, { branch: "bpf-ringbuf", legacyProbes: true, checkoutBeforePatching: false, bundleIds: [2, 3], builder: "classic", buildJobs: 2 }, bundles);
    expect(state).toMatchObject({ branch: "bpf-ringbuf", legacyProbes: true, checkoutBeforePatching: false, kernels: "subset", kernelFilter: "6.1.0-56-", builder: "classic", buildJobs: "2" });
    expect(bundlesMatching(bundles, state.kernelFilter!).map((b) => b.id)).toEqual([2, 3]);
  });

  it("never carries credentials over", () => {
    const state = stateFromBuildOptions(7, { branch: "master", redhatCredentials: true }, bundles);
    expect(state).not.toHaveProperty("redhatUsername");
    expect(state).not.toHaveProperty("redhatPassword");
  });
});
