/**
 * A kernel of the plan: the builder that compiles it, the tasks the task
 * master planned for it, and what those tasks are expected to cost (any unit,
 * the same for every kernel; their count when nothing better is known).
 */
export type PlannedKernel = { kernel: string; builder: string; tasks: number; work?: number };

export type Shard = {
  kernels: string[];
  tasks: number;
  tasksByBuilder: Record<string, number>;
  work: number;
  workByBuilder: Record<string, number>;
};

/**
 * Splits the planned kernels into at most `count` shards of about equal work.
 * Within one engine the builders run side by side, each through its own
 * kernels, so a shard takes as long as its busiest builder: each kernel, the
 * costliest first, goes to the shard whose work on that kernel's builder is
 * smallest (then the smallest in total, as the builders share the engine's
 * cores). Kernels without tasks build nothing and are left out. Shards keep
 * the kernels in plan order.
 */
export function splitIntoShards(kernels: readonly PlannedKernel[], count: number): Shard[] {
  const work = kernels.filter((k) => k.tasks > 0).map((k) => ({ ...k, work: k.work ?? k.tasks }));
  const n = Math.max(1, Math.min(Math.floor(count), work.length));
  const shards: Shard[] = Array.from({ length: n }, () => ({ kernels: [], tasks: 0, tasksByBuilder: {}, work: 0, workByBuilder: {} }));
  const order = new Map(work.map((k, i) => [k.kernel, i]));
  const costliestFirst = [...work].sort((a, b) => b.work - a.work || order.get(a.kernel)! - order.get(b.kernel)!);
  for (const k of costliestFirst) {
    let best = shards[0]!;
    for (const shard of shards.slice(1)) {
      const load = shard.workByBuilder[k.builder] ?? 0;
      const bestLoad = best.workByBuilder[k.builder] ?? 0;
      if (load < bestLoad || (load === bestLoad && shard.work < best.work)) best = shard;
    }
    best.kernels.push(k.kernel);
    best.tasks += k.tasks;
    best.tasksByBuilder[k.builder] = (best.tasksByBuilder[k.builder] ?? 0) + k.tasks;
    best.work += k.work;
    best.workByBuilder[k.builder] = (best.workByBuilder[k.builder] ?? 0) + k.work;
  }
  for (const shard of shards) shard.kernels.sort((a, b) => order.get(a)! - order.get(b)!);
  return shards.filter((s) => s.kernels.length > 0);
}

/** How long a shard takes, in the kernels' unit of work: its busiest builder. */
export function shardSpan(shard: Shard): number {
  return Math.max(0, ...Object.values(shard.workByBuilder));
}
