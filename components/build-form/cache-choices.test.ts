import { describe, expect, it } from "vitest";
import { cacheChoices, matchCacheChoices, type ListedImage } from "./cache-choices";

const image = (over: Partial<ListedImage>): ListedImage => ({
  dockerId: "sha256:" + "1".repeat(64),
  refs: [],
  registryRefs: [],
  local: true,
  createdAt: "2026-12-01T10:00:00.000Z",
  totals: { drivers: 0, failures: 0 },
  producedBy: null,
  ...over,
});

// A listing as GET /api/images?source=all gives it: a build result with two names, a pushed tag, an odd name, an untagged result.
const images: ListedImage[] = [
  image({ refs: ["kobuild/collector-drivers:build-4-709896", "kobuild/collector-drivers:nightly"], totals: { drivers: 12, failures: 2 }, producedBy: { buildId: 4, kind: "drivers" } }),
  image({ dockerId: null, local: false, createdAt: null, registryRefs: [{ registry: "local", ref: "127.0.0.1:5000/drivers/collector-drivers:e2e-pushed" }] }),
  image({ refs: ["us-test:legacy"], totals: { drivers: 3, failures: 0 } }),
  image({ refs: [], producedBy: { buildId: 9, kind: "merge" } }),
];

describe("cacheChoices", () => {
  it("offers each name of a driver image as repository and tag, and the others disabled with the reason", () => {
    const { choices, untagged } = cacheChoices(images);
    expect(choices.map((c) => [c.ref, c.cache])).toEqual([
      ["kobuild/collector-drivers:build-4-709896", { repo: "kobuild", tag: "build-4-709896" }],
      ["kobuild/collector-drivers:nightly", { repo: "kobuild", tag: "nightly" }],
      ["127.0.0.1:5000/drivers/collector-drivers:e2e-pushed", { repo: "127.0.0.1:5000/drivers", tag: "e2e-pushed" }],
      ["us-test:legacy", null],
    ]);
    expect(choices[3]!.unusable).toBe("not named <repo>/collector-drivers:<tag>, so CACHE_REPO and CACHE_TAG cannot name it");
    expect(choices.slice(0, 3).every((c) => c.unusable === null)).toBe(true);
    expect(untagged).toBe(1);
  });

  it("says where each image is and what it holds", () => {
    const { choices } = cacheChoices(images);
    expect(choices[0]!.detail).toBe("on the engine · result of build #4 · 12 drivers, 2 failures · made 2026-12-01");
    expect(choices[2]!.detail).toBe("in registry local");
  });

  it("filters by part of the name", () => {
    const { choices } = cacheChoices(images);
    expect(matchCacheChoices(choices, "NIGHT").map((c) => c.ref)).toEqual(["kobuild/collector-drivers:nightly"]);
    expect(matchCacheChoices(choices, " ")).toHaveLength(4);
  });
});
