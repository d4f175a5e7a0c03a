import { builderForKernel } from "@/lib/bundles/builder-for-kernel";
import type { Flavour } from "@/lib/docker/image/parse-driver-path";
import { matchBlocklist, type BlocklistRule } from "@/lib/workspace/blocklist";
import type { PlannedTask } from "./parse-build-tasks";
import type { PlanFacts } from "./read-plan-image";

// The build's plan, explained. The task master's /build-tasks says what is
// built: that is the truth, kobuild does not plan anything itself. What is
// left to explain is every task the build could have had (each kernel the
// task master was given x each module version the patcher made x mod, and
// bpf where the version has a probe) that /build-tasks lacks: the cache
// image holds its output or marker (cached), or a rule of a BLOCKLIST file
// of the workspace matches it (blocklisted, with the file and line), or
// neither (not planned: the task master left it out for a reason of its own).

export type Builder = "rhel-7" | "rhel-8";
export type BlocklistFile = { file: string; rules: readonly BlocklistRule[] };
export type RuleRef = { file: string; line: number; text: string };

export type ExplainedTask = PlannedTask & { builder: Builder; state: "planned" | "cached" | "blocklisted"; rule?: RuleRef };

export type PlanInputs = {
  facts: PlanFacts;
  /** The kernels the task master was given: the bundles of the context, or KERNEL_VERSIONS. */
  kernels: readonly string[];
  /** `kernel moduleVersion flavour` of every task whose output or marker the cache image holds. */
  cached: ReadonlySet<string>;
  blocklists: readonly BlocklistFile[];
};

export type ExplainedPlan = {
  tasks: ExplainedTask[];
  /** The kernels the task master was given, each once. */
  kernels: number;
  /** Tasks the build could have had that nothing explains. */
  notPlanned: number;
  /** Kernels the task master was given that have no task and no explained one (a name it refused, say). */
  kernelsLeftOut: string[];
};

export const taskKey = (kernel: string, moduleVersion: string, flavour: Flavour) => `${kernel} ${moduleVersion} ${flavour}`;

/** The builder of a kernel, or null for a kernel no builder takes (it does not start with a digit). */
function builderOf(kernel: string): Builder | null {
  return /^[0-9]/.test(kernel) ? builderForKernel(kernel) : null;
}

export function explainPlan({ facts, kernels, cached, blocklists }: PlanInputs): ExplainedPlan {
  const tasks: ExplainedTask[] = [];
  const planned = new Set<string>();
  const withTasks = new Set<string>();
  for (const t of facts.tasks) {
    const builder = builderOf(t.kernel);
    // A line no builder takes is no task of this build (the builders skip it too).
    if (!builder) continue;
    planned.add(taskKey(t.kernel, t.moduleVersion, t.flavour));
    withTasks.add(t.kernel);
    tasks.push({ ...t, builder, state: "planned" });
  }
  let notPlanned = 0;
  const leftOut = new Set<string>();
  for (const kernel of new Set(kernels)) {
    const builder = builderOf(kernel);
    let explained = withTasks.has(kernel);
    for (const { moduleVersion, bpf } of facts.moduleVersions) {
      for (const flavour of bpf ? (["mod", "bpf"] as const) : (["mod"] as const)) {
        const key = taskKey(kernel, moduleVersion, flavour);
        if (planned.has(key)) continue;
        if (!builder) {
          notPlanned++;
          continue;
        }
        if (cached.has(key)) {
          tasks.push({ kernel, moduleVersion, flavour, builder, state: "cached" });
          explained = true;
          continue;
        }
        const rule = firstRule(blocklists, { kernel, moduleVersion, flavour });
        if (rule) {
          tasks.push({ kernel, moduleVersion, flavour, builder, state: "blocklisted", rule });
          explained = true;
        } else notPlanned++;
      }
    }
    if (!explained) leftOut.add(kernel);
  }
  return { tasks, kernels: new Set([...kernels, ...withTasks]).size, notPlanned, kernelsLeftOut: [...leftOut].sort() };
}

/** The first rule that matches, file by file in the order the task master applies them. */
function firstRule(files: readonly BlocklistFile[], task: PlannedTask): RuleRef | null {
  for (const { file, rules } of files) {
    const rule = matchBlocklist(rules, task);
    if (rule) return { file, line: rule.line, text: rule.text.replace(/\s*#.*$/, "").trim().replace(/\s+/g, " ") };
  }
  return null;
}

/** Counts per builder and per module version and flavour, as the plan preview shows them. */
export function summarizePlan(plan: ExplainedPlan) {
  const perBuilder: Record<Builder, number> = { "rhel-8": 0, "rhel-7": 0 };
  const perModuleVersion: Record<string, { mod: number; bpf: number; fromCache: number; blocklisted: number }> = {};
  const entry = (v: string) => (perModuleVersion[v] ??= { mod: 0, bpf: 0, fromCache: 0, blocklisted: 0 });
  let toBuild = 0;
  let fromCache = 0;
  let blocklisted = 0;
  for (const t of plan.tasks) {
    if (t.state === "planned") {
      toBuild++;
      perBuilder[t.builder]++;
      entry(t.moduleVersion)[t.flavour]++;
    } else if (t.state === "cached") {
      fromCache++;
      entry(t.moduleVersion).fromCache++;
    } else {
      blocklisted++;
      entry(t.moduleVersion).blocklisted++;
    }
  }
  return { toBuild, fromCache, blocklisted, perBuilder, perModuleVersion };
}
