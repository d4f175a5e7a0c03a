import { describe, expect, it } from "vitest";
import { buildSubjectLabel } from "./subject-label";

const at = new Date("2026-12-02T14:05:31.000Z");

describe("buildSubjectLabel", () => {
  it("tells two builds of one branch apart by date and options", () => {
    // Options as create-build.ts stores them.
    const plain = { branch: "master", legacyProbes: false, useKernelsFile: false, cacheRepo: null, cacheTag: null, bundleIds: null, sharding: null };
    expect(buildSubjectLabel({ id: 12, branch: "master", status: "succeeded", createdAt: at, options: plain })).toBe("#12 master · 2026-12-02 14:05 UTC · every bundle (succeeded)");
    expect(
      buildSubjectLabel({
        id: 13,
        branch: "master",
        status: "failed",
        createdAt: at,
        commit: "0123456789abcdef0123456789abcdef01234567",
        options: { ...plain, legacyProbes: true, cacheRepo: "127.0.0.1:5000/drivers", cacheTag: "nightly", bundleIds: [1, 2, 5], sharding: { engines: 2, registryId: 1, maxAttempts: 3 } },
      }),
    ).toBe("#13 master · 2026-12-02 14:05 UTC · 0123456789ab · 3 bundles · cache 127.0.0.1:5000/drivers/collector-drivers:nightly · legacy probes · sharded over 2 engines (failed)");
  });

  it("names KERNEL_VERSIONS builds, one bundle, every engine and re-runs", () => {
    expect(buildSubjectLabel({ id: 3, branch: "2.2.x", status: "partial", createdAt: at, options: { useKernelsFile: true, sharding: { engines: "all" } } })).toBe(
      "#3 2.2.x · 2026-12-02 14:05 UTC · KERNEL_VERSIONS · sharded over every engine (partial)",
    );
    expect(buildSubjectLabel({ id: 4, branch: null, status: "running", createdAt: at, options: { bundleIds: [7], rerunOf: { buildId: 3, imageRef: "x", tasks: 2 } } })).toBe(
      "#4 · 2026-12-02 14:05 UTC · 1 bundle · re-run of #3 (running)",
    );
  });
});
