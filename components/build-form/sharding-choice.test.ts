import { describe, expect, it } from "vitest";
import { DEFAULT_SHARDING_CHOICE, describeShardSplit, shardingChoiceOf, toSharding } from "./sharding-choice";

describe("toSharding", () => {
  it("sends nothing for one engine: the build runs as it always did", () => {
    expect(toSharding(DEFAULT_SHARDING_CHOICE)).toBeNull();
  });

  it("sends a number of engines, the registry and the attempts as the API names them", () => {
    expect(toSharding({ engines: "count", engineCount: "4", registryId: "2", maxAttempts: "5" })).toEqual({ engines: 4, registryId: 2, maxAttempts: 5 });
  });

  it("sends every engine as \"all\" and no registry as null", () => {
    expect(toSharding({ engines: "all", engineCount: "4", registryId: "", maxAttempts: "3" })).toEqual({ engines: "all", registryId: null, maxAttempts: 3 });
  });
});

describe("shardingChoiceOf", () => {
  it("gives back what a stored build chose, through toSharding unchanged", () => {
    for (const stored of [
      { engines: 3, registryId: 7, maxAttempts: 2 },
      { engines: "all", registryId: null, maxAttempts: 3 },
    ]) {
      expect(toSharding(shardingChoiceOf(stored))).toEqual(stored);
    }
  });

  it("reads a build without sharding as one engine", () => {
    expect(shardingChoiceOf(null)).toEqual(DEFAULT_SHARDING_CHOICE);
    expect(shardingChoiceOf(undefined)).toEqual(DEFAULT_SHARDING_CHOICE);
  });
});

describe("describeShardSplit", () => {
  it("says how many shards and where they run", () => {
    expect(describeShardSplit({ engines: "count", engineCount: "2", registryId: "", maxAttempts: "3" })).toBe(
      "Split into up to 2 shards by task count, all on the default engine (no registry).",
    );
    expect(describeShardSplit({ engines: "count", engineCount: "1", registryId: "4", maxAttempts: "3" })).toBe("Split into up to 1 shard by task count.");
    expect(describeShardSplit({ engines: "all", engineCount: "2", registryId: "4", maxAttempts: "3" })).toBe("Split into one shard per engine that answers, by task count.");
  });

  it("says nothing for one engine or a count that is not one", () => {
    expect(describeShardSplit(DEFAULT_SHARDING_CHOICE)).toBeNull();
    expect(describeShardSplit({ engines: "count", engineCount: "", registryId: "", maxAttempts: "3" })).toBeNull();
  });
});
