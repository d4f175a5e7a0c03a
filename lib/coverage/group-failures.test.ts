import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { failureSignature } from "@/lib/driver-images/failure-signature";
import { groupFailures, type FailureEntry } from "./group-failures";
import { familyFromKernel } from "./kernel-family";

// The failures of a legacy-probes build of bpf-ringbuf on the sample bundles,
// signed from the real logs of such builds.
const fixtures = path.join(__dirname, "..", "driver-images", "__fixtures__", "failure-logs");
const read = (name: string) => fs.readFileSync(path.join(fixtures, name), "utf8");
let id = 100;
function entry(kernel: string, moduleVersion: string, flavour: "mod" | "bpf", file: string): FailureEntry {
  return { id: id++, kernel, family: familyFromKernel(kernel), moduleVersion, flavour, signature: failureSignature(read(file), { kernel, moduleVersion })?.signature ?? null };
}

describe("groupFailures", () => {
  const failures = [
    entry("6.1.0-56-cloud-amd64", "2.3.0", "bpf", "6.1.0-56-cloud-amd64-2.3.0-bpf.log"),
    entry("3.10.0-1160.el7.x86_64", "2.1.0", "mod", "3.10.0-1160.el7.x86_64-2.1.0-mod.log"),
    entry("6.1.0-55-amd64", "2.3.0", "bpf", "6.1.0-55-amd64-2.3.0-bpf.log"),
    entry("3.10.0-1160.el7.x86_64", "2.0.0", "mod", "3.10.0-1160.el7.x86_64-2.0.0-mod.log"),
    { id: 999, kernel: "6.12.117+deb12-amd64", family: "debian", moduleVersion: "2.1.0", flavour: "mod", signature: null } satisfies FailureEntry,
    entry("6.1.0-56-amd64", "2.3.0", "bpf", "6.1.0-56-amd64-2.3.0-bpf.log"),
  ];
  const groups = groupFailures(failures);

  it("puts the failures of one cause together, largest group first", () => {
    expect(groups.map((g) => [g.count, g.signature])).toEqual([
      [3, "probe.c: error: use of undeclared identifier 'BPF_MAP_TYPE_CGRP_STORAGE'; did you mean 'BPF_MAP_TYPE_CGROUP_STORAGE'?"],
      [1, "main.c: fatal error: linux/errno.h: No such file or directory"],
      [1, "main.c: fatal error: linux/init.h: No such file or directory"],
      [1, null],
    ]);
  });

  it("says which kernels, module versions, flavours and families a group spans, with an example", () => {
    const [probe] = groups;
    expect(probe).toMatchObject({
      kernels: ["6.1.0-55-amd64", "6.1.0-56-amd64", "6.1.0-56-cloud-amd64"],
      moduleVersions: ["2.3.0"],
      flavours: ["bpf"],
      families: ["debian"],
    });
    expect(probe!.failures.map((f) => f.kernel)).toEqual(probe!.kernels);
    expect(probe!.failures.map((f) => f.id)).toContain(probe!.exampleFailureId);
    expect(groups.reduce((n, g) => n + g.count, 0)).toBe(failures.length);
  });

  it("has no groups without failures", () => {
    expect(groupFailures([])).toEqual([]);
  });
});
