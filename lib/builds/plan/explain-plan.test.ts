import { describe, expect, it } from "vitest";
import { parseBlocklist } from "@/lib/workspace/blocklist";
import { parseBuildTasks } from "./parse-build-tasks";
import { explainPlan, summarizePlan, taskKey } from "./explain-plan";

// A task master gave three kernels, two module versions (only 2.2.0 has a
// probe), a cache holding one kernel's 2.2.0 drivers, and two BLOCKLIST files.
const kernels = ["3.10.0-1160.el7.x86_64", "6.1.0-56-amd64", "6.1.0-57-cloud-amd64", "not-a-kernel"];
const moduleVersions = [
  { moduleVersion: "2.2.0", bpf: true },
  { moduleVersion: "2.0.1", bpf: false },
];
const blocklists = [
  { file: "kernel-modules/BLOCKLIST", rules: parseBlocklist("# no probes for cloud kernels\n*-cloud-amd64 * bpf\n") },
  { file: "kernel-modules/dockerized/BLOCKLIST", rules: parseBlocklist("3.10.0-1160.el7.x86_64 2.0.1   # too old\n~6\\.1\\..* 2.0.1 mod\n") },
];
const cached = new Set([taskKey("6.1.0-56-amd64", "2.2.0", "mod"), taskKey("6.1.0-56-amd64", "2.2.0", "bpf")]);
// What such a task master writes: everything else.
const buildTasks = ["3.10.0-1160.el7.x86_64 2.2.0 mod", "3.10.0-1160.el7.x86_64 2.2.0 bpf", "6.1.0-57-cloud-amd64 2.2.0 mod", ""].join("\n");

describe("explainPlan", () => {
  const plan = explainPlan({ facts: { tasks: parseBuildTasks(buildTasks), moduleVersions }, kernels, cached, blocklists });
  const stateOf = (k: string, v: string, f: "mod" | "bpf") => plan.tasks.find((t) => t.kernel === k && t.moduleVersion === v && t.flavour === f);

  it("plans exactly what /build-tasks lists, each with its builder", () => {
    expect(plan.tasks.filter((t) => t.state === "planned").map((t) => `${t.builder} ${taskKey(t.kernel, t.moduleVersion, t.flavour)}`)).toEqual([
      "rhel-7 3.10.0-1160.el7.x86_64 2.2.0 mod",
      "rhel-7 3.10.0-1160.el7.x86_64 2.2.0 bpf",
      "rhel-8 6.1.0-57-cloud-amd64 2.2.0 mod",
    ]);
  });

  it("explains each task /build-tasks lacks: the cache first, then the BLOCKLIST files in order, with file and line", () => {
    expect(stateOf("6.1.0-56-amd64", "2.2.0", "mod")).toMatchObject({ state: "cached" });
    expect(stateOf("6.1.0-56-amd64", "2.2.0", "bpf")).toMatchObject({ state: "cached" });
    expect(stateOf("6.1.0-57-cloud-amd64", "2.2.0", "bpf")).toMatchObject({ state: "blocklisted", rule: { file: "kernel-modules/BLOCKLIST", line: 2, text: "*-cloud-amd64 * bpf" } });
    expect(stateOf("3.10.0-1160.el7.x86_64", "2.0.1", "mod")).toMatchObject({ state: "blocklisted", rule: { file: "kernel-modules/dockerized/BLOCKLIST", line: 1, text: "3.10.0-1160.el7.x86_64 2.0.1" } });
    expect(stateOf("6.1.0-56-amd64", "2.0.1", "mod")).toMatchObject({ state: "blocklisted", rule: { line: 2 } });
    expect(stateOf("6.1.0-57-cloud-amd64", "2.0.1", "mod")).toMatchObject({ state: "blocklisted", rule: { line: 2 } });
    // No probe in 2.0.1: no bpf task to explain.
    expect(stateOf("6.1.0-56-amd64", "2.0.1", "bpf")).toBeUndefined();
  });

  it("counts what nothing explains as not planned, and names kernels left without any task", () => {
    // not-a-kernel's three tasks are no builder's.
    expect(plan.notPlanned).toBe(3);
    expect(plan.kernelsLeftOut).toEqual(["not-a-kernel"]);
    expect(plan.kernels).toBe(4);
  });

  it("sums the plan per builder and per module version", () => {
    expect(summarizePlan(plan)).toEqual({
      toBuild: 3,
      fromCache: 2,
      blocklisted: 4,
      perBuilder: { "rhel-7": 2, "rhel-8": 1 },
      perModuleVersion: { "2.2.0": { mod: 2, bpf: 1, fromCache: 2, blocklisted: 1 }, "2.0.1": { mod: 0, bpf: 0, fromCache: 0, blocklisted: 3 } },
    });
  });
});
