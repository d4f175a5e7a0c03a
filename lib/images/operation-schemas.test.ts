import { describe, expect, it } from "vitest";
import { collectorBodySchema, mergeBodySchema, outputRef, squashBodySchema } from "./operation-schemas";

describe("mergeBodySchema", () => {
  it("reads the camelCase form, the real Dockerfile's build args and the seed's alike", () => {
    const expected = { driversRepo: "127.0.0.1:5000/drivers", baseTag: "all", extraTags: ["shard-1", "shard-2"], tag: null, workspaceId: null };
    expect(mergeBodySchema.parse({ driversRepo: "127.0.0.1:5000/drivers", baseTag: "all", extraTags: ["shard-1", "shard-2"] })).toEqual(expected);
    expect(mergeBodySchema.parse({ DRIVER_REPO: "127.0.0.1:5000/drivers", BASE_TAG: "all", DRIVER_TAG: "shard-1,shard-2" })).toEqual(expected);
    expect(mergeBodySchema.parse({ DRIVERS_REPO: "127.0.0.1:5000/drivers", BASE_TAG: "all", EXTRA_DRIVERS: "shard-1 shard-2" })).toEqual(expected);
  });

  it("keeps the order of the extra tags and defaults the repository like the Dockerfile", () => {
    const body = mergeBodySchema.parse({ baseTag: "b", extraTags: ["z", "a", "m"], tag: "merged" });
    expect(body.extraTags).toEqual(["z", "a", "m"]);
    expect(body.driversRepo).toBe("kobuild");
    expect(body.tag).toBe("kobuild/collector-drivers:merged");
    expect(mergeBodySchema.parse({ baseTag: "b", extraTags: ["z"], tag: "other/repo:x" }).tag).toBe("other/repo:x");
  });

  it("refuses two spellings that disagree, a missing base, no extra tag and a tag named twice", () => {
    const issue = (body: unknown) => {
      const r = mergeBodySchema.safeParse(body);
      return r.success ? null : `${r.error.issues[0]!.path.join(".")}: ${r.error.issues[0]!.message}`;
    };
    expect(issue({ DRIVER_REPO: "a", DRIVERS_REPO: "b", BASE_TAG: "x", DRIVER_TAG: "y" })).toMatch(/^DRIVERS_REPO: DRIVERS_REPO and DRIVER_REPO say different things/);
    expect(issue({ extraTags: ["y"] })).toMatch(/^baseTag: is required \(or BASE_TAG\)/);
    expect(issue({ baseTag: "x", extraTags: [] })).toMatch(/at least one tag/);
    expect(issue({ baseTag: "x", extraTags: ["y", "y"] })).toMatch(/y is named twice/);
    expect(issue({ baseTag: "x", extraTags: ["x"] })).toMatch(/x is named twice \(or is the base\)/);
    expect(issue({ baseTag: "x", extraTags: ["a b"] })).toMatch(/must be a tag/);
    expect(issue({ baseTag: "x", extraTags: ["y"], colour: 1 })).toMatch(/colour/);
    // Agreeing spellings are fine.
    expect(issue({ DRIVER_REPO: "a", DRIVERS_REPO: "a", BASE_TAG: "x", baseTag: "x", DRIVER_TAG: "y" })).toBeNull();
  });
});

describe("squashBodySchema and collectorBodySchema", () => {
  it("map the Dockerfiles' build args", () => {
    expect(squashBodySchema.parse({ DRIVERS_TAG: "all", tag: "all-squashed" })).toEqual({ driversRepo: "kobuild", driversTag: "all", tag: "kobuild/collector-drivers:all-squashed", workspaceId: null });
    expect(
      collectorBodySchema.parse({ COLLECTOR_TAG: "3.11.0-slim", DRIVERS_TAG: "all", MODULE_VERSION: "2.2.0", COLLECTOR_REPO: "127.0.0.1:5000/stackrox" }),
    ).toMatchObject({ collectorRepo: "127.0.0.1:5000/stackrox", collectorTag: "3.11.0-slim", driversRepo: "kobuild", moduleVersion: "2.2.0", tag: "127.0.0.1:5000/stackrox/collector:3.11.0-dockerized" });
    expect(collectorBodySchema.safeParse({ COLLECTOR_TAG: "x", DRIVERS_TAG: "y" }).success).toBe(false);
  });

  it("outputRef keeps whole references and places bare tags", () => {
    expect(outputRef("nightly", "kobuild/collector-drivers")).toBe("kobuild/collector-drivers:nightly");
    expect(outputRef("127.0.0.1:5000/x/y:z", "kobuild/collector-drivers")).toBe("127.0.0.1:5000/x/y:z");
  });
});
