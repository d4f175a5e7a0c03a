import { describe, expect, it } from "vitest";
import { parseBlocklistedLine, parseTaskLine } from "./build-driver-progress";

describe("parseTaskLine", () => {
  it("reads the task master's plan and what it left out", () => {
    expect(parseTaskLine("KOBUILD-PLAN kernel=6.1.0-56-cloud-amd64 version=2.2.0 flavour=bpf")).toEqual({ kind: "plan", kernel: "6.1.0-56-cloud-amd64", version: "2.2.0", flavour: "bpf" });
    expect(parseTaskLine("KOBUILD-SKIP kernel=3.10.0-1160.el7.x86_64 version=2.0.0 flavour=mod reason=blocklist")).toEqual({
      kind: "skip",
      kernel: "3.10.0-1160.el7.x86_64",
      version: "2.0.0",
      flavour: "mod",
      reason: "blocklist",
    });
    expect(parseTaskLine("KOBUILD-SKIP kernel=5.4.0-1055-gcp version=2.2.0 flavour=mod reason=mood")).toBeNull();
    expect(parseTaskLine("KOBUILD-PLAN kernel=5.4.0-1055-gcp version=2.2.0")).toBeNull();
  });

  it("reads a builder's start", () => {
    expect(parseTaskLine("KOBUILD-BUILDER builder=rhel-7 tasks=12 jobs=2")).toEqual({ kind: "builder", builder: "rhel-7", tasks: 12, jobs: 2 });
  });

  it("reads a task's start", () => {
    expect(parseTaskLine("KOBUILD-TASK start kernel=4.18.0-477.el8.x86_64 version=2.5.0 flavour=bpf")).toEqual({
      kind: "task-start",
      kernel: "4.18.0-477.el8.x86_64",
      version: "2.5.0",
      flavour: "bpf",
    });
  });

  it.each([
    ["built", 1.25],
    ["failed", 0.4],
    ["unavailable", 0],
  ] as const)("reads a task's end with result %s", (result, seconds) => {
    const line = `KOBUILD-TASK end kernel=3.10.0-1160.el7.x86_64 version=2.5.0+1 flavour=mod result=${result} seconds=${seconds.toFixed(2)}`;
    expect(parseTaskLine(line)).toEqual({
      kind: "task-end",
      kernel: "3.10.0-1160.el7.x86_64",
      version: "2.5.0+1",
      flavour: "mod",
      result,
      seconds,
    });
  });

  it("tolerates surrounding whitespace and fields in another order", () => {
    expect(parseTaskLine("  KOBUILD-TASK start flavour=mod version=2.6.0 kernel=5.14.0-70.el9.x86_64\r")).toEqual({
      kind: "task-start",
      kernel: "5.14.0-70.el9.x86_64",
      version: "2.6.0",
      flavour: "mod",
    });
  });

  it.each([
    "make[1]: Entering directory '/kernel'",
    "",
    "KOBUILD-TASK",
    "KOBUILD-TASK begin kernel=4.18.0 version=2.5.0 flavour=mod",
    "KOBUILD-TASK start kernel=4.18.0 version=2.5.0 flavour=ko",
    "KOBUILD-TASK start kernel=4.18.0 version=2.5.0",
    "KOBUILD-TASK start kernel=4.18.0 kernel=4.19.0 version=2.5.0 flavour=mod",
    "KOBUILD-TASK end kernel=4.18.0 version=2.5.0 flavour=mod result=ok seconds=1.00",
    "KOBUILD-TASK end kernel=4.18.0 version=2.5.0 flavour=mod result=built seconds=soon",
    "KOBUILD-TASK end kernel=4.18.0 version=2.5.0 flavour=mod result=built",
    "KOBUILD-BUILDER builder=rhel-8 tasks=many jobs=2",
    "KOBUILD-BUILDER builder=ubuntu tasks=1 jobs=2",
    "echo KOBUILD-TASK start kernel=4.18.0 version=2.5.0 flavour=mod",
    "KOBUILD-TASK start kernel=4.18.0 version=2.5.0 flavour=mod constructor",
  ])("ignores %j", (line) => {
    expect(parseTaskLine(line)).toBeNull();
  });
});

describe("parseBlocklistedLine", () => {
  it("reads the task and the rule the task master names", () => {
    expect(parseBlocklistedLine("get-build-tasks.sh: blocklisted: 6.1.0-56-cloud-amd64 2.2.0 bpf (BLOCKLIST line 14: *-cloud-amd64 * bpf)")).toEqual({
      kernel: "6.1.0-56-cloud-amd64",
      version: "2.2.0",
      flavour: "bpf",
      line: 14,
      rule: "*-cloud-amd64 * bpf",
    });
    // A rule whose patterns hold parentheses and spaces in a regular expression stays whole.
    expect(parseBlocklistedLine("blocklisted: 4.15.0-1098-gcp~16.04 2.0.0 mod (BLOCKLIST line 3: ~4\\.15\\.0-(1098|1099)-gcp.* 2.0.0)")).toEqual({
      kernel: "4.15.0-1098-gcp~16.04",
      version: "2.0.0",
      flavour: "mod",
      line: 3,
      rule: "~4\\.15\\.0-(1098|1099)-gcp.* 2.0.0",
    });
  });

  it.each([
    "get-build-tasks.sh: BLOCKLIST: 2 rule(s)",
    "get-build-tasks.sh: blocklisted: 6.1.0-55-amd64 2.2.0 ko (BLOCKLIST line 2: 6.1.0-55-amd64)",
    "get-build-tasks.sh: blocklisted: 6.1.0-55-amd64 2.2.0 mod (BLOCKLIST line x: 6.1.0-55-amd64)",
    "get-build-tasks.sh: blocklisted: 6.1.0-55-amd64 2.2.0 mod",
    "get-build-tasks.sh: blocklisted: ../etc 2.2.0 mod (BLOCKLIST line 2: *)",
  ])("ignores %j", (line) => {
    expect(parseBlocklistedLine(line)).toBeNull();
  });
});
