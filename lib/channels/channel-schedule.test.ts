import { describe, expect, it } from "vitest";
import { createChannelBodySchema } from "./channel-schemas";
import { cronProblem, nextRun, runDue } from "./channel-schedule";

const at = (iso: string) => new Date(iso);

describe("a channel's schedule", () => {
  it("reads a cron line in UTC", () => {
    expect(nextRun("30 2 * * *", at("2026-03-01T02:31:00Z")).toISOString()).toBe("2026-03-02T02:30:00.000Z");
    expect(nextRun("*/15 * * * *", at("2026-03-01T10:07:00Z")).toISOString()).toBe("2026-03-01T10:15:00.000Z");
  });

  it("is due once a run fell after the last one, whatever was missed", () => {
    expect(runDue("0 * * * *", at("2026-03-01T10:00:00Z"), at("2026-03-01T10:59:59Z"))).toBe(false);
    expect(runDue("0 * * * *", at("2026-03-01T10:00:00Z"), at("2026-03-01T11:00:00Z"))).toBe(true);
    expect(runDue("0 * * * *", at("2026-03-01T10:00:00Z"), at("2026-03-03T00:00:00Z"))).toBe(true);
  });

  it("refuses a line that does not parse, saying why", () => {
    expect(cronProblem("61 * * * *")).toMatch(/0-59/);
    const parsed = createChannelBodySchema.safeParse({ name: "n", workspaceId: 1, branch: "master", image: "a/collector-drivers:x", triggers: { schedule: "every day" } });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toMatch(/five fields/);
    const bad = createChannelBodySchema.safeParse({ name: "n", workspaceId: 1, branch: "master", image: "a/collector-drivers:x", triggers: { schedule: "0 25 * * *" } });
    expect(bad.error!.issues[0]!.message).toMatch(/is not a cron line: .*0-23/);
    expect(createChannelBodySchema.safeParse({ name: "n", workspaceId: 1, branch: "master", image: "a/collector-drivers:x", triggers: { schedule: "0 3 * * 1-5" } }).success).toBe(true);
  });
});
