import type { DriverFact, FailureFact, TaskFact } from "@/lib/coverage/coverage-model";

// The grid of a full build, as the coverage model sees it: 6,000 kernels of
// the real id shapes x 4 module versions x 2 flavours, with failures, eBPF
// markers, cached and blocklisted tasks. The unit tests check what the model
// makes of it; `npm run bench -- model` times the same work.

export const SCALE_KERNELS = 6000;
export const SCALE_MODULE_VERSIONS = ["2.0.1", "2.1.0", "2.2.0", "2.3.0"] as const;

/** The i-th kernel id, cycling through the shapes distributions give them. */
export function scaleKernel(i: number): string {
  return [`5.4.0-${1000 + i}-gcp`, `3.10.0-${i}.el7.x86_64`, `4.15.0-${i}-aws~16.04`, `5.10.${i}-16623.39.6-cos`, `5.14.${i}-100.fc33.x86_64`, `6.1.0-${i}-cloud-amd64`][i % 6]!;
}

/** Whether the i-th kernel's module builds fail (every 97th kernel), and whose eBPF task a BLOCKLIST rule drops (every 89th). */
export const scaleFails = (i: number) => i % 97 === 0;
export const scaleBlocklisted = (i: number) => i % 89 === 0;

/** 6,000 kernel ids in four shapes, unsorted, some repeated: what the grid sorts. */
export function scaleKernelNames(): string[] {
  return Array.from({ length: SCALE_KERNELS }, (_, i) => [`5.4.0-${1000 + (i % 997)}-gcp`, `3.10.0-${i}.el7.x86_64`, `4.15.0-${i}-aws~16.04`, `5.10.${i}-16623.${i % 50}.6-cos`][i % 4]!);
}

/** A task line's facts, as the coverage model takes them; `rule` is the BLOCKLIST line and text that dropped it. */
export function taskFact(kernel: string, moduleVersion: string, flavour: "mod" | "bpf", state: TaskFact["state"], rule?: [number, string]): TaskFact {
  return { kernel, moduleVersion, flavour, state, blocklistFile: rule ? "kernel-modules/dockerized/BLOCKLIST" : null, blocklistLine: rule?.[0] ?? null, blocklistRule: rule?.[1] ?? null };
}

/** The facts of one build and its image at that scale. */
export function scaleCoverageInput(): { tasks: TaskFact[]; hasImage: true; drivers: DriverFact[]; failures: FailureFact[] } {
  const drivers: DriverFact[] = [];
  const failures: FailureFact[] = [];
  const tasks: TaskFact[] = [];
  for (let i = 0; i < SCALE_KERNELS; i++) {
    const kernel = scaleKernel(i);
    for (const moduleVersion of SCALE_MODULE_VERSIONS) {
      if (scaleFails(i)) failures.push({ id: i, kernel, moduleVersion, flavour: "mod" });
      else drivers.push({ kernel, moduleVersion, flavour: "mod", kind: "driver" });
      drivers.push({ kernel, moduleVersion, flavour: "bpf", kind: kernel.startsWith("3.") ? "marker" : "driver" });
      tasks.push(taskFact(kernel, moduleVersion, "mod", scaleFails(i) ? "failed" : i % 3 ? "built" : "cached"));
      if (scaleBlocklisted(i)) tasks.push(taskFact(kernel, moduleVersion, "bpf", "blocklisted", [12, "~5\\.4\\..* 2.2.0 bpf"]));
    }
  }
  return { tasks, hasImage: true, drivers, failures };
}
