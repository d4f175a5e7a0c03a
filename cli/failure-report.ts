// A build's failure groups as a person reads them at the end of a CI log.

export type FailureGroupView = {
  signature: string | null;
  count: number;
  kernels: string[];
  moduleVersions: string[];
  flavours: string[];
  exampleFailureId: number;
};
export type FailuresView = { total: number; groups: FailureGroupView[] };

const MAX_KERNELS = 8;

function listed(values: readonly string[], max = MAX_KERNELS): string {
  return values.length <= max ? values.join(", ") : `${values.slice(0, max).join(", ")} and ${values.length - max} more`;
}

/** Lines naming each group's error, how many tasks it failed, on which kernels, and where to read one log. */
export function failureReport(view: FailuresView, links: { failure: (id: number) => string; all: string }): string[] {
  if (view.total === 0) return ["No driver failed."];
  const lines = [`${view.total} driver ${view.total === 1 ? "task" : "tasks"} failed, in ${view.groups.length} failure ${view.groups.length === 1 ? "group" : "groups"} (${links.all}):`];
  view.groups.forEach((group, i) => {
    lines.push("");
    lines.push(`${i + 1}. ${group.signature ?? "(an empty failure log)"}`);
    lines.push(`   ${group.count} ${group.count === 1 ? "task" : "tasks"}, ${group.kernels.length} ${group.kernels.length === 1 ? "kernel" : "kernels"}: ${listed(group.kernels)}`);
    lines.push(`   module versions: ${group.moduleVersions.join(", ")}; flavours: ${group.flavours.join(", ")}`);
    lines.push(`   a log: ${links.failure(group.exampleFailureId)}`);
  });
  return lines;
}
