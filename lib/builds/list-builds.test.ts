import { describe, expect, it } from "vitest";
import { summarizeOptions } from "./list-builds";

// Options as a sharded build and a re-run stored them.
describe("summarizeOptions", () => {
  it("names a sharded build's engines", () => {
    const sharded = { branch: "master", checkoutBeforePatching: false, bundleIds: null, sharding: { engines: 2, maxAttempts: 3 } };
    expect(summarizeOptions(sharded)).toEqual(["sharded over 2", "working tree"]);
    expect(summarizeOptions({ ...sharded, sharding: { engines: "all", registryId: 1, maxAttempts: 3 } })[0]).toBe("sharded over every engine");
  });

  it("names a re-run's source instead of the image it reads as its cache", () => {
    const rerun = {
      branch: "master",
      cacheRepo: "kobuild",
      cacheTag: "rerun-base-1-ba723a",
      bundleIds: [1],
      sharding: { engines: 1, maxAttempts: 3 },
      rerunOf: { buildId: 1, imageRef: "kobuild/collector-drivers:rerun-base-1-ba723a", tasks: 1 },
    };
    expect(summarizeOptions(rerun)).toEqual(["re-run of #1", "1 bundle"]);
    expect(summarizeOptions({ ...rerun, sharding: { engines: 3, maxAttempts: 3 } })).toEqual(["re-run of #1", "sharded over 3", "1 bundle"]);
  });
});
