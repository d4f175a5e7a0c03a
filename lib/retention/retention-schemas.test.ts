import { describe, expect, it } from "vitest";
import { pruneQuerySchema, setRetentionBodySchema } from "./retention-schemas";

const rule = (maxAgeDays: unknown, maxCount: unknown) => ({ maxAgeDays, maxCount });
const policy = { builds: rule(30, null), logs: rule(null, 100), failures: rule(null, null), images: rule(7, null), audit: rule(365, 100_000) };

describe("PUT /api/retention bodies", () => {
  it("take the default policy or one workspace's override", () => {
    expect(setRetentionBodySchema.parse({ default: policy })).toEqual({ default: policy });
    expect(setRetentionBodySchema.parse({ workspaceId: 3, override: null })).toEqual({ workspaceId: 3, override: null });
  });

  it.each([
    ["a negative age", { default: { ...policy, builds: rule(-1, null) } }],
    ["a count of 0 (which would remove everything)", { default: { ...policy, audit: rule(null, 0) } }],
    ["a fraction", { default: { ...policy, logs: rule(1.5, null) } }],
    ["a missing kind", { default: { builds: policy.builds } }],
    ["an unknown key", { default: { ...policy, bundles: rule(1, 1) } }],
    ["a string for a number", { default: { ...policy, images: rule("7", null) } }],
    ["images in a workspace's override", { workspaceId: 1, override: policy }],
    ["a workspace id of 0", { workspaceId: 0, override: null }],
  ])("refuse %s", (_why, body) => {
    expect(setRetentionBodySchema.safeParse(body).success).toBe(false);
  });

  it("take dryRun=1 and refuse other query keys", () => {
    expect(pruneQuerySchema.parse({ dryRun: "1" })).toEqual({ dryRun: "1" });
    expect(pruneQuerySchema.safeParse({ dryRun: "yes" }).success).toBe(false);
    expect(pruneQuerySchema.safeParse({ all: "1" }).success).toBe(false);
  });
});
