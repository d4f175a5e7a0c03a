import { describe, expect, it } from "vitest";
import { KernelMentions } from "./kernel-mentions";

// Lines as the seed's own compile script prints them (one task after the
// other, kernels sorted), and make's output between them.
const upstream = [
  "+ tar -xzf /bundles/bundle-4.15.0-1098-gcp~16.04.tgz -C /bundles/bundle-4.15.0-1098-gcp~16.04",
  "Compiling kernel module for '4.15.0-1098-gcp~16.04'",
  "make: Entering directory '/bundles/bundle-4.15.0-1098-gcp~16.04/usr/src/linux-headers-4.15.0-1098-gcp'",
  "  CC [M]  /kobuild-tmp/versions-src/2.2.0/main.o",
  "Compiling eBPF probe for '4.15.0-1098-gcp~16.04'",
  "Compiling kernel module for '5.4.0-1055-gcp'",
  "Failed to build kernel driver for 5.4.0-1055-gcp",
  "Compiling kernel module for '6.1.0-55-amd64'.",
];

describe("KernelMentions", () => {
  const kernels = ["4.15.0-1098-gcp~16.04", "5.4.0-1055-gcp", "6.1.0-55-amd64", "6.1.0-56-amd64", "3.10.0-1160.el7.x86_64"];

  it("counts a builder's kernels as its log names them, the latest one still running", () => {
    const m = new KernelMentions(kernels);
    const seen = upstream.map((line) => m.see("rhel-8", line));
    expect(seen).toEqual([true, false, false, false, false, true, false, true]);
    expect(m.counts("rhel-8")).toEqual({ kernels: 4, started: 3, finished: 2, tasksOfFinished: 0 });
    m.ended("rhel-8");
    expect(m.counts("rhel-8")).toMatchObject({ started: 3, finished: 3 });
    // The RHEL 7 builder's kernel is not the RHEL 8 builder's business.
    expect(m.counts("rhel-7")).toEqual({ kernels: 1, started: 0, finished: 0, tasksOfFinished: 0 });
  });

  it("follows the plan once it is known: its kernels, their tasks, and jobs at once", () => {
    const m = new KernelMentions(kernels, 2);
    m.setPlan([
      { kernel: "5.4.0-1055-gcp", builder: "rhel-8" },
      { kernel: "5.4.0-1055-gcp", builder: "rhel-8" },
      { kernel: "6.1.0-55-amd64", builder: "rhel-8" },
      { kernel: "6.1.0-56-amd64", builder: "rhel-8" },
    ]);
    for (const line of upstream) m.see("rhel-8", line);
    m.see("rhel-8", "/kernel-modules/2.2.0/collector-6.1.0-56-amd64.ko.gz");
    // 4.15 is not planned (the cache had it): not counted. Two jobs: the last two may still run.
    expect(m.counts("rhel-8")).toEqual({ kernels: 3, started: 3, finished: 1, tasksOfFinished: 2 });
  });

  it("takes only whole ids: a kernel whose name extends another's is not the other", () => {
    const m = new KernelMentions(["5.4.0-1055", "5.4.0-1055-gcp"]);
    expect(m.see("rhel-8", "building 5.4.0-1055-gcp now")).toBe(true);
    expect(m.counts("rhel-8")).toMatchObject({ started: 1 });
    expect(m.see("rhel-8", "done: 5.4.0-1055")).toBe(true);
    expect(m.counts("rhel-8")).toMatchObject({ started: 2 });
  });
});
