import { builderForKernel } from "@/lib/bundles/builder-for-kernel";
import type { Flavour } from "@/lib/docker/image/parse-driver-path";
import { matchBlocklist, type BlocklistRule } from "@/lib/workspace/blocklist";

// The task master's rules (get-build-tasks.sh), as a pure function, so the
// plan can be shown before a build starts. Kernels: sorted once each, ids the
// builders cannot take left out with a reason. Each kernel gets a `mod` task
// per module version and a `bpf` task per version with an eBPF probe. A task
// the cache holds is skipped first; else the first BLOCKLIST rule that
// matches removes it.

export type ModuleVersionSource = { moduleVersion: string; bpf: boolean };

export type PlanInput = {
  kernels: readonly string[];
  moduleVersions: readonly ModuleVersionSource[];
  /** `kernel moduleVersion flavour` of every task the cache already holds. */
  cached: ReadonlySet<string>;
  blocklist: readonly BlocklistRule[];
};

export type PlannedTask = { kernel: string; moduleVersion: string; flavour: Flavour; builder: "rhel-7" | "rhel-8" };

export type TaskPlan = {
  kernels: string[];
  skippedKernels: { kernel: string; reason: string }[];
  total: number;
  toBuild: PlannedTask[];
  fromCache: PlannedTask[];
  blocklisted: (PlannedTask & { rule: { line: number; text: string } })[];
};

const VALID_KERNEL = /^[A-Za-z0-9][A-Za-z0-9._+~-]*$/;

export const taskKey = (kernel: string, moduleVersion: string, flavour: Flavour) => `${kernel} ${moduleVersion} ${flavour}`;

export function planTasks({ kernels, moduleVersions, cached, blocklist }: PlanInput): TaskPlan {
  const plan: TaskPlan = { kernels: [], skippedKernels: [], total: 0, toBuild: [], fromCache: [], blocklisted: [] };
  for (const kernel of [...new Set(kernels)].sort(byteOrder)) {
    if (!VALID_KERNEL.test(kernel)) plan.skippedKernels.push({ kernel, reason: "a kernel id may only hold letters, digits and . _ + ~ -" });
    else if (!/^[0-9]/.test(kernel)) plan.skippedKernels.push({ kernel, reason: "no builder takes kernels that do not start with a digit" });
    else plan.kernels.push(kernel);
  }
  // The task master lists the prepared version directories: sorted, once each.
  const versions = [...new Map(moduleVersions.map((v) => [v.moduleVersion, v])).values()].sort((a, b) => byteOrder(a.moduleVersion, b.moduleVersion));
  for (const kernel of plan.kernels) {
    const builder = builderForKernel(kernel);
    for (const { moduleVersion, bpf } of versions) {
      for (const flavour of bpf ? (["mod", "bpf"] as const) : (["mod"] as const)) {
        plan.total++;
        const task = { kernel, moduleVersion, flavour, builder };
        if (cached.has(taskKey(kernel, moduleVersion, flavour))) {
          plan.fromCache.push(task);
          continue;
        }
        const rule = matchBlocklist(blocklist, task);
        if (rule) plan.blocklisted.push({ ...task, rule: { line: rule.line, text: rule.text.trim() } });
        else plan.toBuild.push(task);
      }
    }
  }
  return plan;
}

/** `sort` under LC_ALL=C: by bytes, which for these ASCII ids is by UTF-16 code unit. */
function byteOrder(a: string, b: string) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Counts per builder and per module version and flavour, as the plan preview shows them. */
export function summarizePlan(plan: TaskPlan) {
  const perBuilder: Record<string, number> = { "rhel-8": 0, "rhel-7": 0 };
  const perModuleVersion: Record<string, { mod: number; bpf: number; fromCache: number; blocklisted: number }> = {};
  const entry = (v: string) => (perModuleVersion[v] ??= { mod: 0, bpf: 0, fromCache: 0, blocklisted: 0 });
  for (const t of plan.toBuild) {
    perBuilder[t.builder] = (perBuilder[t.builder] ?? 0) + 1;
    entry(t.moduleVersion)[t.flavour]++;
  }
  for (const t of plan.fromCache) entry(t.moduleVersion).fromCache++;
  for (const t of plan.blocklisted) entry(t.moduleVersion).blocklisted++;
  return { perBuilder, perModuleVersion };
}
