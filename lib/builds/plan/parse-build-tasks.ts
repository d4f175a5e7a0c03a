import type { Flavour } from "@/lib/docker/image/parse-driver-path";

export type PlannedTask = { kernel: string; moduleVersion: string; flavour: Flavour };

/**
 * `/build-tasks` as the task master writes it: `<kernel> <module-version> <mod|bpf>`
 * per line. Blank lines and lines of another shape are left out, as the
 * builders leave them out; a task listed twice counts once.
 */
export function parseBuildTasks(text: string): PlannedTask[] {
  const found = new Map<string, PlannedTask>();
  for (const line of text.split("\n")) {
    const [kernel, moduleVersion, flavour, extra] = line.trim().split(/\s+/);
    if (!kernel || !moduleVersion || extra !== undefined || (flavour !== "mod" && flavour !== "bpf")) continue;
    found.set(`${kernel} ${moduleVersion} ${flavour}`, { kernel, moduleVersion, flavour });
  }
  return [...found.values()];
}
