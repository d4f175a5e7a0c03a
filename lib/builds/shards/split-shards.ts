/** A kernel of the plan: the tasks the task master planned for it, and the builder that compiles them. */
export type PlannedKernel = { kernel: string; builder: string; tasks: number };

export type Shard = { kernels: string[]; tasks: number; tasksByBuilder: Record<string, number> };

/**
 * Splits the planned kernels into at most `count` shards of about equal work.
 * Within one engine the builders run side by side, each through its own
 * kernels, so a shard takes as long as its busiest builder: each kernel, the
 * one with the most tasks first, goes to the shard whose load on that
 * kernel's builder is smallest (then the smallest in total). Kernels without
 * tasks build nothing and are left out. Shards keep the kernels in plan order.
 */
export function splitIntoShards(kernels: readonly PlannedKernel[], count: number): Shard[] {
  const work = kernels.filter((k) => k.tasks > 0);
  const n = Math.max(1, Math.min(Math.floor(count), work.length));
  const shards: Shard[] = Array.from({ length: n }, () => ({ kernels: [], tasks: 0, tasksByBuilder: {} }));
  const order = new Map(work.map((k, i) => [k.kernel, i]));
  const heaviestFirst = [...work].sort((a, b) => b.tasks - a.tasks || order.get(a.kernel)! - order.get(b.kernel)!);
  for (const k of heaviestFirst) {
    let best = shards[0]!;
    for (const shard of shards.slice(1)) {
      const load = shard.tasksByBuilder[k.builder] ?? 0;
      const bestLoad = best.tasksByBuilder[k.builder] ?? 0;
      if (load < bestLoad || (load === bestLoad && shard.tasks < best.tasks)) best = shard;
    }
    best.kernels.push(k.kernel);
    best.tasks += k.tasks;
    best.tasksByBuilder[k.builder] = (best.tasksByBuilder[k.builder] ?? 0) + k.tasks;
  }
  for (const shard of shards) shard.kernels.sort((a, b) => order.get(a)! - order.get(b)!);
  return shards.filter((s) => s.kernels.length > 0);
}

/** How long a shard takes in task-units: its busiest builder. */
export function shardSpan(shard: Shard): number {
  return Math.max(0, ...Object.values(shard.tasksByBuilder));
}
