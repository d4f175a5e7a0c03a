import { describe, expect, it } from "vitest";
import { shardSpan, splitIntoShards, type PlannedKernel } from "./split-shards";

// The sample's plan with LEGACY_PROBES: four Debian kernels (rhel-8 builder)
// with 3 module versions x 2 flavours, and the RHEL 7 kernel whose eBPF
// probes are unavailable.
const sample: PlannedKernel[] = [
  { kernel: "3.10.0-1160.el7.x86_64", builder: "rhel-7", tasks: 6 },
  { kernel: "6.1.0-55-amd64", builder: "rhel-8", tasks: 6 },
  { kernel: "6.1.0-56-amd64", builder: "rhel-8", tasks: 6 },
  { kernel: "6.1.0-56-cloud-amd64", builder: "rhel-8", tasks: 6 },
  { kernel: "6.12.117+deb12-amd64", builder: "rhel-8", tasks: 6 },
];

describe("splitIntoShards", () => {
  it("puts every kernel with tasks in exactly one shard", () => {
    const shards = splitIntoShards(sample, 2);
    expect(shards.flatMap((s) => s.kernels).sort()).toEqual(sample.map((k) => k.kernel).sort());
    expect(shards.reduce((n, s) => n + s.tasks, 0)).toBe(30);
  });

  it("balances each builder's work, not the kernel count", () => {
    const shards = splitIntoShards(sample, 2);
    // Two rhel-8 kernels each: the rhel-7 kernel runs beside them on its own builder.
    expect(shards.map((s) => s.tasksByBuilder["rhel-8"])).toEqual([12, 12]);
    expect(Math.max(...shards.map(shardSpan))).toBe(12);
  });

  it("weighs kernels by their tasks: one heavy kernel against several light ones", () => {
    const kernels: PlannedKernel[] = [
      { kernel: "5.4.0-1", builder: "rhel-8", tasks: 40 },
      { kernel: "5.4.0-2", builder: "rhel-8", tasks: 10 },
      { kernel: "5.4.0-3", builder: "rhel-8", tasks: 10 },
      { kernel: "5.4.0-4", builder: "rhel-8", tasks: 10 },
      { kernel: "5.4.0-5", builder: "rhel-8", tasks: 10 },
    ];
    const shards = splitIntoShards(kernels, 2);
    expect(shards.map((s) => s.kernels.length).sort()).toEqual([1, 4]);
    expect(shards.map((s) => s.tasks)).toEqual([40, 40]);
  });

  it("balances the kernels' expected seconds when they are known, not their task counts", () => {
    // Times of the sample build: a module against 6.12 takes 1.85 s, against 6.1 1.41 s.
    const weighed = sample.map((k) => ({ ...k, work: k.tasks * (k.kernel.startsWith("6.12") ? 1.85 : 1.41) }));
    const shards = splitIntoShards(weighed, 2);
    expect(shards.map((s) => s.tasksByBuilder["rhel-8"])).toEqual([12, 12]);
    // The rhel-7 kernel runs beside the lighter rhel-8 pair, not beside 6.12.
    const with612 = shards.find((s) => s.kernels.includes("6.12.117+deb12-amd64"))!;
    expect(with612.kernels).not.toContain("3.10.0-1160.el7.x86_64");
    expect(shardSpan(with612)).toBeCloseTo(6 * 1.85 + 6 * 1.41);
  });

  it("leaves out kernels the task master had nothing to do for, and never makes empty shards", () => {
    const shards = splitIntoShards([...sample.slice(0, 2), { kernel: "4.18.0-1", builder: "rhel-8", tasks: 0 }], 8);
    expect(shards).toHaveLength(2);
    expect(shards.flatMap((s) => s.kernels)).not.toContain("4.18.0-1");
    expect(splitIntoShards([], 3)).toEqual([]);
  });

  it("keeps each shard's kernels in plan order", () => {
    for (const shard of splitIntoShards(sample, 3)) {
      const positions = shard.kernels.map((k) => sample.findIndex((s) => s.kernel === k));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
  });

  it("keeps every builder's load within one kernel's tasks across 32 shards of a large plan", () => {
    const kernels: PlannedKernel[] = Array.from({ length: 5800 }, (_, i) => ({ kernel: `5.${i}`, builder: i % 3 === 0 ? "rhel-7" : "rhel-8", tasks: 2 + (i % 7) }));
    const shards = splitIntoShards(kernels, 32);
    for (const builder of ["rhel-7", "rhel-8"]) {
      const loads = shards.map((s) => s.tasksByBuilder[builder] ?? 0);
      expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(8);
    }
  });
});
