import { describe, expect, it } from "vitest";
import { createBuildBodySchema } from "../build-schemas";
import { rerunBodySchema } from "./create-rerun";
import { isShardedBuild } from "./sharding-options";

const parse = (sharding: unknown, extra: Record<string, unknown> = {}) => createBuildBodySchema.safeParse({ workspaceId: 1, sharding, ...extra });
const message = (result: ReturnType<typeof parse>) => (result.success ? null : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));

describe("sharding in POST /api/builds", () => {
  it("takes a number of engines or every engine, with three attempts per shard unless told", () => {
    expect(parse({ engines: 2, registryId: 4 }).data?.sharding).toEqual({ engines: 2, registryId: 4, maxAttempts: 3 });
    expect(parse({ engines: "all", maxAttempts: 1 }).data?.sharding).toEqual({ engines: "all", maxAttempts: 1 });
    expect(parse(null).data?.sharding).toBeNull();
  });

  it.each([
    [{ engines: 0 }, "sharding.engines"],
    [{ engines: 65 }, "sharding.engines"],
    [{ engines: "some" }, "sharding.engines"],
    [{ engines: 2.5 }, "sharding.engines"],
    [{ engines: 2, maxAttempts: 0 }, "sharding.maxAttempts"],
    [{ engines: 2, maxAttempts: 6 }, "sharding.maxAttempts"],
    [{ engines: 2, registryId: -1 }, "sharding.registryId"],
    [{ engines: 2, shards: 9 }, "sharding"],
    [{}, "sharding.engines"],
  ])("refuses %j, naming %s", (sharding, field) => {
    expect(message(parse(sharding))).toContain(field);
  });

  it("refuses a target: a sharded build makes the whole image", () => {
    expect(message(parse({ engines: 2 }, { target: "task-master" }))).toContain("target: a sharded build makes the whole image");
  });

  it("tells a coordinator from a plain build by its stored options", () => {
    expect(isShardedBuild({ sharding: { engines: 2 } })).toBe(true);
    expect(isShardedBuild({ sharding: null })).toBe(false);
    expect(isShardedBuild({ branch: "master" })).toBe(false);
    expect(isShardedBuild(null)).toBe(false);
  });
});

describe("POST /api/builds/:id/rerun", () => {
  it("needs nothing, and takes a branch and sharding", () => {
    expect(rerunBodySchema.parse({})).toEqual({});
    expect(rerunBodySchema.parse({ branch: "fix/blocklist", sharding: { engines: "all", registryId: 1 } })).toEqual({ branch: "fix/blocklist", sharding: { engines: "all", registryId: 1, maxAttempts: 3 } });
  });

  it("refuses a bad branch name and unknown fields", () => {
    expect(rerunBodySchema.safeParse({ branch: "a..b" }).success).toBe(false);
    expect(rerunBodySchema.safeParse({ tasks: ["x"] }).success).toBe(false);
  });
});
