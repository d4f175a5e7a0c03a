// Failures grouped by what they died of: one group per failure signature,
// largest first, so the one mistake that breaks 300 kernels comes before the
// odd one out.

import type { Flavour } from "@/lib/docker/image/parse-driver-path";
import { compareVersions } from "@/lib/workspace/compare-versions";
import type { KernelFamilyId } from "./kernel-family";
import { compareKernels, sortKernels } from "./kernel-order";

export type FailureEntry = {
  id: number;
  kernel: string;
  family: KernelFamilyId;
  moduleVersion: string;
  flavour: Flavour;
  /** Null when the log was empty. */
  signature: string | null;
};

export type FailureGroup = {
  /** The normalised first error line; null for failures with an empty log. */
  signature: string | null;
  count: number;
  kernels: string[];
  moduleVersions: string[];
  flavours: Flavour[];
  families: KernelFamilyId[];
  /** A failure of the group whose log shows the error (of its newest kernel). */
  exampleFailureId: number;
  failures: FailureEntry[];
};

export function groupFailures(failures: readonly FailureEntry[]): FailureGroup[] {
  const bySignature = new Map<string | null, FailureEntry[]>();
  for (const f of failures) {
    const list = bySignature.get(f.signature);
    if (list) list.push(f);
    else bySignature.set(f.signature, [f]);
  }
  const groups: FailureGroup[] = [];
  for (const [signature, list] of bySignature) {
    list.sort((a, b) => compareKernels(a.kernel, b.kernel) || compareVersions(a.moduleVersion, b.moduleVersion) || a.flavour.localeCompare(b.flavour) || a.id - b.id);
    groups.push({
      signature,
      count: list.length,
      kernels: sortKernels(new Set(list.map((f) => f.kernel))),
      moduleVersions: [...new Set(list.map((f) => f.moduleVersion))].sort(compareVersions),
      flavours: (["mod", "bpf"] as const).filter((fl) => list.some((f) => f.flavour === fl)),
      families: [...new Set(list.map((f) => f.family))].sort(),
      exampleFailureId: list[list.length - 1]!.id,
      failures: list,
    });
  }
  // Most failures first; equal counts by signature, the empty-log group last.
  return groups.sort((a, b) => b.count - a.count || (a.signature === null ? 1 : b.signature === null ? -1 : a.signature.localeCompare(b.signature)));
}
