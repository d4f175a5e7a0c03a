import type { PlannedKernel } from "./split-shards";
import { type Flavour } from "@/lib/vocabulary";

/** Planned tasks of one kernel and flavour, on the kernel's builder. */
export type PlannedTasks = { kernel: string; builder: string; flavour: Flavour; tasks: number };

/** Seconds a task of a kernel and flavour took in earlier builds, keyed by `taskKey`. */
export type TaskSeconds = ReadonlyMap<string, number>;

export const taskKey = (kernel: string, flavour: string) => `${kernel} ${flavour}`;

/**
 * Weighs each planned kernel by the seconds its tasks took before: kernels
 * differ (a module against 6.12 headers takes longer than against 3.10), and
 * shards balanced by task count alone end apart. A kernel and flavour never
 * timed costs the median of its flavour's timed tasks; with no timings at
 * all, every task costs 1 and the split is by task count. Kernels keep the
 * plan's order.
 */
export function weighKernels(planned: readonly PlannedTasks[], seconds: TaskSeconds): { kernels: PlannedKernel[]; timed: number } {
  const byFlavour = new Map<string, number[]>();
  for (const [key, s] of seconds) {
    const flavour = key.slice(key.lastIndexOf(" ") + 1);
    const all = byFlavour.get(flavour);
    if (all) all.push(s);
    else byFlavour.set(flavour, [s]);
  }
  const medianOf = new Map([...byFlavour].map(([flavour, all]) => [flavour, median(all)]));
  const anyMedian = seconds.size > 0 ? median([...seconds.values()]) : null;

  const kernels = new Map<string, PlannedKernel & { work: number }>();
  const timed = new Set<string>();
  for (const p of planned) {
    const known = seconds.get(taskKey(p.kernel, p.flavour));
    if (known !== undefined) timed.add(p.kernel);
    const each = anyMedian === null ? 1 : (known ?? medianOf.get(p.flavour) ?? anyMedian);
    const k = kernels.get(p.kernel) ?? { kernel: p.kernel, builder: p.builder, tasks: 0, work: 0 };
    k.tasks += p.tasks;
    k.work += p.tasks * each;
    kernels.set(p.kernel, k);
  }
  return { kernels: [...kernels.values()], timed: timed.size };
}

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
