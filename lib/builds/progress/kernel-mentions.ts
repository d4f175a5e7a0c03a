import { builderForKernel } from "@/lib/bundles/builder-for-kernel";

// Live progress of builders that print nothing for kobuild: which of a
// builder's kernels its log has named so far. Heuristic, and said to be:
//   started   kernels of the builder's tasks whose id appeared in its log
//             (as a word, or inside bundle-<k>.tgz, collector-<k>.ko.gz ...);
//   finished  every started kernel but the `jobs` most recently named ones,
//             which may still be compiling (jobs: BUILD_JOBS, else 1, as the
//             seed's builders work one task after the other); all of them
//             once the builder's step has ended.
// Exact results come from the image when the build ends.

export type MentionCounts = { kernels: number; started: number; finished: number; tasksOfFinished: number };

const PREFIXES = ["bundle-", "collector-ebpf-", "collector-"];
const SUFFIXES = [".tgz", ".ko.gz", ".o.gz", ".ko", ".o", ".unavail", ".log"];
const NOT_ID = /[^A-Za-z0-9._+~-]+/;

type Builder = { kernels: Map<string, number>; seen: Map<string, true>; last: string | null; ended: boolean };

export class KernelMentions {
  private readonly known = new Set<string>();
  private readonly builders = new Map<string, Builder>();

  constructor(
    candidates: Iterable<string>,
    private readonly jobs = 1,
  ) {
    const perBuilder = new Map<string, Map<string, number>>();
    for (const kernel of candidates) {
      if (!/^[0-9]/.test(kernel)) continue;
      const builder = builderForKernel(kernel);
      if (!perBuilder.has(builder)) perBuilder.set(builder, new Map());
      perBuilder.get(builder)!.set(kernel, 0);
    }
    for (const [name, kernels] of perBuilder) this.setKernels(name, kernels);
  }

  private setKernels(name: string, kernels: Map<string, number>) {
    const previous = this.builders.get(name);
    this.builders.set(name, { kernels, seen: previous?.seen ?? new Map(), last: previous?.last ?? null, ended: previous?.ended ?? false });
    for (const k of kernels.keys()) this.known.add(k);
  }

  /** The plan is known: each builder's kernels and their number of tasks. */
  setPlan(tasks: Iterable<{ kernel: string; builder: string }>) {
    const perBuilder = new Map<string, Map<string, number>>();
    for (const t of tasks) {
      const kernels = perBuilder.get(t.builder) ?? new Map<string, number>();
      kernels.set(t.kernel, (kernels.get(t.kernel) ?? 0) + 1);
      perBuilder.set(t.builder, kernels);
    }
    for (const name of new Set([...this.builders.keys(), ...perBuilder.keys()])) this.setKernels(name, perBuilder.get(name) ?? new Map());
  }

  /** A line of the builder's log; true when its counts changed. */
  see(builder: string, text: string): boolean {
    const state = this.builders.get(builder);
    if (!state || state.ended) return false;
    let changed = false;
    for (const token of text.split(NOT_ID)) {
      const kernel = this.kernelIn(token);
      if (kernel === null || !state.kernels.has(kernel)) continue;
      if (state.last === kernel) continue;
      // Most recently named last: the tail is what may still be compiling.
      state.seen.delete(kernel);
      state.seen.set(kernel, true);
      state.last = kernel;
      changed = true;
    }
    return changed;
  }

  private kernelIn(token: string): string | null {
    if (token === "") return null;
    let t = token.replace(/\.+$/, "");
    if (this.known.has(t)) return t;
    for (const p of PREFIXES) if (t.startsWith(p)) t = t.slice(p.length);
    for (const s of SUFFIXES) if (t.endsWith(s)) t = t.slice(0, -s.length);
    return this.known.has(t) ? t : null;
  }

  /** The builder's step ended: whatever it started is over. */
  ended(builder: string) {
    const state = this.builders.get(builder);
    if (state) state.ended = true;
  }

  counts(builder: string): MentionCounts | null {
    const state = this.builders.get(builder);
    if (!state) return null;
    const started = [...state.seen.keys()].filter((k) => state.kernels.has(k));
    const finished = state.ended ? started : started.slice(0, Math.max(0, started.length - this.jobs));
    return {
      kernels: state.kernels.size,
      started: started.length,
      finished: finished.length,
      tasksOfFinished: finished.reduce((n, k) => n + (state.kernels.get(k) ?? 0), 0),
    };
  }

  builderNames() {
    return [...this.builders.keys()];
  }
}
