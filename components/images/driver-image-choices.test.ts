import { describe, expect, it } from "vitest";
import { driversRepoChoices, mergeBody, togglePicked } from "./driver-image-choices";

describe("driversRepoChoices", () => {
  it("groups collector-drivers tags by repository, kobuild's first, and leaves other images and working tags out", () => {
    const choices = driversRepoChoices([
      "kobuild/collector-drivers:build-10",
      "kobuild/collector-drivers:build-9",
      "127.0.0.1:5000/drivers/collector-drivers:shard-1",
      "kobuild/toolchain:bookworm-1",
      "kobuild/collector-drivers:kobuild-merge-4-1",
      "docker.io/kobuild/collector-drivers:empty",
      "kobuild/collector:3.11.0-slim",
    ]);
    expect(choices).toEqual([
      { repo: "kobuild", tags: ["build-9", "build-10", "empty"] },
      { repo: "127.0.0.1:5000/drivers", tags: ["shard-1"] },
    ]);
  });
});

describe("merge form helpers", () => {
  it("keeps the order of picking and never merges the base onto itself", () => {
    let picked: string[] = [];
    for (const t of ["c", "a", "b"]) picked = togglePicked(picked, t);
    picked = togglePicked(picked, "a");
    expect(picked).toEqual(["c", "b"]);
    expect(mergeBody({ driversRepo: "kobuild", baseTag: "b", picked, tag: " " })).toEqual({ driversRepo: "kobuild", baseTag: "b", extraTags: ["c"] });
    expect(mergeBody({ driversRepo: "kobuild", baseTag: "x", picked, tag: "all" })).toMatchObject({ extraTags: ["c", "b"], tag: "all" });
  });
});
