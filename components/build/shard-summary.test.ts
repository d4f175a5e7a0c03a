import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { BuildStateEvent, ShardLane } from "./build-types";
import { attemptDuration, shardsSummary, taskProgressText } from "./shard-summary";
import { buildStatusLabel } from "./status-badge";

// Two `state` events of a real build sharded over 2 engines without a registry (both shards on the
// default engine, one at a time): while shard 1 ran and shard 2 waited, and at the end.
const recorded = JSON.parse(fs.readFileSync(path.join(__dirname, "__recordings__", "sharded-build.states.json"), "utf8")) as Record<"running" | "final", BuildStateEvent>;
const running = recorded.running.shards!;
const final = recorded.final.shards!;

describe("shardsSummary", () => {
  it("counts the shards, their engines and where they stand", () => {
    expect(shardsSummary(running, buildStatusLabel)).toBe("2 shards on engine default: 1 running, 1 queued");
    expect(shardsSummary(final, buildStatusLabel)).toBe("2 shards on engine default: 2 succeeded");
  });

  it("says how many shards were tried again", () => {
    const [first, second] = final;
    const retried: ShardLane = {
      ...second!,
      attempts: [{ ...second!.attempts[0]!, status: "failed", error: "lost the Docker engine", engine: { id: "b", name: "b" } }, { ...second!.attempts[0]!, attempt: 2 }],
    };
    expect(shardsSummary([first!, retried], buildStatusLabel)).toBe("2 shards on engine default: 2 succeeded; 1 tried again");
  });
});

describe("taskProgressText", () => {
  it("gives the current attempt's tasks done of planned, and the failed ones", () => {
    expect(running.map((l) => taskProgressText(l.attempts.at(-1)!))).toEqual(["2 of 6 tasks, 1 failed", "waiting for its engine"]);
    expect(final.map((l) => taskProgressText(l.attempts.at(-1)!))).toEqual(["6 of 6 tasks, 1 failed", "4 of 4 tasks"]);
  });
});

describe("attemptDuration", () => {
  it("grows with the clock while the attempt runs, and is the recorded time once it ended", () => {
    const shard1 = running[0]!.attempts[0]!;
    expect(attemptDuration(shard1, Date.parse(shard1.startedAt!) + 5000)).toBe(5000);
    const ended = final[0]!.attempts[0]!;
    expect(attemptDuration(ended, Date.now())).toBe(ended.durationMs);
    expect(attemptDuration(running[1]!.attempts[0]!, Date.now())).toBeNull();
  });
});
