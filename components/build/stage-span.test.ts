import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { BuildStateEvent } from "./build-types";
import { stageSpan } from "./stage-span";

const failed = JSON.parse(fs.readFileSync(path.join(__dirname, "__recordings__", "failed-build.final-state.json"), "utf8")) as BuildStateEvent;
// The build of that recording started at 23:35:49.067.
const buildStart = "2026-11-25T23:35:49.067Z";

describe("stageSpan", () => {
  it("places a stage by its start after the build's and its duration", () => {
    const patcher = failed.stages.find((s) => s.name === "patcher")!;
    expect(stageSpan(patcher, buildStart)).toEqual({ offsetMs: 311, durationMs: 109 });
  });
  it("starts a cached stage BuildKit dates from an earlier build no earlier than this build", () => {
    const cached = { status: "cached" as const, startedAt: "2026-11-25T23:34:42.000Z", finishedAt: "2026-11-25T23:35:49.378Z" };
    expect(stageSpan(cached, buildStart)).toEqual({ offsetMs: 0, durationMs: 311 });
  });
  it("lets a running stage end now, and gives none to stages that never started or ended", () => {
    const running = { status: "running" as const, startedAt: "2026-11-25T23:35:50.067Z", finishedAt: null };
    expect(stageSpan(running, buildStart, Date.parse("2026-11-25T23:35:55.067Z"))).toEqual({ offsetMs: 1000, durationMs: 5000 });
    expect(stageSpan(running, buildStart)).toBeNull();
    const never = failed.stages.find((s) => s.name === "task-master")!;
    expect(never.status).toBe("cancelled");
    expect(stageSpan(never, buildStart)).toBeNull();
    expect(stageSpan(failed.stages[0]!, null)).toBeNull();
  });
});
