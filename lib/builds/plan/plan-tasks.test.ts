import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseBlocklist } from "@/lib/workspace/blocklist";
import { parseKernelVersions } from "@/lib/workspace/read-workspace-files";
import { planTasks, summarizePlan, taskKey } from "./plan-tasks";

const sample = path.join(__dirname, "..", "..", "..", "sample", "collector", "kernel-modules");
const kernelsFile = parseKernelVersions(fs.readFileSync(path.join(sample, "KERNEL_VERSIONS"), "utf8"));
const sampleBlocklist = parseBlocklist(fs.readFileSync(path.join(sample, "BLOCKLIST"), "utf8"));
const versions = [
  { moduleVersion: "2.2.0", bpf: true },
  { moduleVersion: "2.0.0", bpf: false },
];

describe("planTasks", () => {
  it("gives every kernel a mod task per module version and a bpf task where the version has a probe", () => {
    const plan = planTasks({ kernels: kernelsFile, moduleVersions: versions, cached: new Set(), blocklist: sampleBlocklist });
    expect(plan.kernels).toHaveLength(kernelsFile.length);
    expect(plan.total).toBe(kernelsFile.length * 3);
    expect(plan.toBuild).toHaveLength(plan.total);
    expect(plan.toBuild.filter((t) => t.moduleVersion === "2.0.0" && t.flavour === "bpf")).toEqual([]);
    const { perBuilder, perModuleVersion } = summarizePlan(plan);
    const rhel7Kernels = kernelsFile.filter((k) => k.startsWith("3.")).length;
    expect(perBuilder).toEqual({ "rhel-7": rhel7Kernels * 3, "rhel-8": (kernelsFile.length - rhel7Kernels) * 3 });
    expect(perModuleVersion["2.2.0"]).toEqual({ mod: kernelsFile.length, bpf: kernelsFile.length, fromCache: 0, blocklisted: 0 });
  });

  it("sorts kernels by bytes and counts each once, as sort -u under LC_ALL=C does", () => {
    const plan = planTasks({ kernels: ["6.1.0-55-amd64", "5.4.0-1055-gcp", "6.1.0-55-amd64", "5.15.0-1-cloud-amd64"], moduleVersions: versions.slice(1), cached: new Set(), blocklist: [] });
    expect(plan.kernels).toEqual(["5.15.0-1-cloud-amd64", "5.4.0-1055-gcp", "6.1.0-55-amd64"]);
  });

  it("leaves out kernel ids no builder takes, saying why", () => {
    const plan = planTasks({ kernels: ["linux-6.1", "6.1.0-55-amd64", "6.1 x"], moduleVersions: versions.slice(1), cached: new Set(), blocklist: [] });
    expect(plan.kernels).toEqual(["6.1.0-55-amd64"]);
    expect(plan.skippedKernels.map((s) => s.kernel).sort()).toEqual(["6.1 x", "linux-6.1"]);
    expect(plan.skippedKernels.find((s) => s.kernel === "linux-6.1")!.reason).toMatch(/start with a digit/);
  });

  it("skips what the cache holds before the BLOCKLIST is asked, and names the matching rule", () => {
    const blocklist = parseBlocklist("# realtime\n*-cloud-amd64 * bpf\n6.1.0-55-amd64\n");
    const cached = new Set([taskKey("6.1.0-55-amd64", "2.2.0", "mod")]);
    const plan = planTasks({ kernels: ["6.1.0-55-amd64", "6.1.0-56-cloud-amd64"], moduleVersions: versions.slice(0, 1), cached, blocklist });
    expect(plan.fromCache.map((t) => taskKey(t.kernel, t.moduleVersion, t.flavour))).toEqual(["6.1.0-55-amd64 2.2.0 mod"]);
    expect(plan.blocklisted.map((t) => [t.kernel, t.flavour, t.rule.line])).toEqual([
      ["6.1.0-55-amd64", "bpf", 3],
      ["6.1.0-56-cloud-amd64", "bpf", 2],
    ]);
    expect(plan.toBuild.map((t) => taskKey(t.kernel, t.moduleVersion, t.flavour))).toEqual(["6.1.0-56-cloud-amd64 2.2.0 mod"]);
    expect(summarizePlan(plan).perModuleVersion["2.2.0"]).toEqual({ mod: 1, bpf: 0, fromCache: 1, blocklisted: 2 });
  });

  it("prepares a module version once even when two sources name it", () => {
    const plan = planTasks({ kernels: ["6.1.0-55-amd64"], moduleVersions: [...versions, { moduleVersion: "2.2.0", bpf: true }], cached: new Set(), blocklist: [] });
    expect(plan.total).toBe(3);
  });
});
