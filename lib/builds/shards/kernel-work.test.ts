import { describe, expect, it } from "vitest";
import { taskKey, weighKernels, type PlannedTasks } from "./kernel-work";

const planned: PlannedTasks[] = [
  { kernel: "3.10.0-1160.el7.x86_64", builder: "rhel-7", flavour: "mod", tasks: 3 },
  { kernel: "6.1.0-55-amd64", builder: "rhel-8", flavour: "mod", tasks: 3 },
  { kernel: "6.1.0-55-amd64", builder: "rhel-8", flavour: "bpf", tasks: 3 },
  { kernel: "6.12.117+deb12-amd64", builder: "rhel-8", flavour: "mod", tasks: 3 },
  { kernel: "6.12.117+deb12-amd64", builder: "rhel-8", flavour: "bpf", tasks: 3 },
];

describe("weighKernels", () => {
  it("counts tasks when no earlier build timed any", () => {
    const { kernels, timed } = weighKernels(planned, new Map());
    expect(timed).toBe(0);
    expect(kernels).toEqual([
      { kernel: "3.10.0-1160.el7.x86_64", builder: "rhel-7", tasks: 3, work: 3 },
      { kernel: "6.1.0-55-amd64", builder: "rhel-8", tasks: 6, work: 6 },
      { kernel: "6.12.117+deb12-amd64", builder: "rhel-8", tasks: 6, work: 6 },
    ]);
  });

  it("weighs timed kernels by their seconds, and the others by their flavour's median", () => {
    const seconds = new Map([
      [taskKey("6.1.0-55-amd64", "mod"), 1.4],
      [taskKey("6.1.0-55-amd64", "bpf"), 0.1],
      [taskKey("6.12.117+deb12-amd64", "mod"), 2.0],
      [taskKey("4.18.0-1", "mod"), 1.0],
    ]);
    const { kernels, timed } = weighKernels(planned, seconds);
    expect(timed).toBe(2);
    const work = Object.fromEntries(kernels.map((k) => [k.kernel, k.work]));
    expect(work["6.1.0-55-amd64"]).toBeCloseTo(3 * 1.4 + 3 * 0.1);
    // Its eBPF tasks were never timed: the median eBPF task.
    expect(work["6.12.117+deb12-amd64"]).toBeCloseTo(3 * 2.0 + 3 * 0.1);
    // Never timed: the median module task of 1.0, 1.4 and 2.0.
    expect(work["3.10.0-1160.el7.x86_64"]).toBeCloseTo(3 * 1.4);
    expect(kernels.map((k) => k.tasks)).toEqual([3, 6, 6]);
  });
});
