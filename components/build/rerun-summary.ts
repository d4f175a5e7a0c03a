// What "Re-run what failed" would build, in words: pure, so it is tested on real answers.

import type { RerunDescription } from "./build-types";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Why there is nothing to re-run, or null when there is. */
export function rerunUnavailable(d: RerunDescription): string | null {
  if (d.kernels.length === 0) return "Nothing to re-run: no task failed or is missing.";
  if (d.tasks === 0) return `Nothing to re-run: no bundle is stored for the ${plural(d.kernels.length, "kernel")} whose tasks failed.`;
  return null;
}

/** "3 tasks on 2 kernels", counting only the kernels whose bundle is stored (the others cannot be built). */
export function rerunScope(d: RerunDescription): string {
  return `${plural(d.tasks, "task")} on ${plural(d.kernels.filter((k) => k.bundle).length, "kernel")}`;
}

/** Kernels whose tasks failed but whose bundle is gone: left out of the re-run. */
export const kernelsLeftOut = (d: RerunDescription) => d.kernels.filter((k) => !k.bundle).map((k) => k.kernel);
