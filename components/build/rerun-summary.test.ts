import { describe, expect, it } from "vitest";
import type { RerunDescription } from "./build-types";
import { kernelsLeftOut, rerunScope, rerunUnavailable } from "./rerun-summary";

// What GET /api/builds/:id/rerun answered for a build of the sample (its 3.10 kernel fails one task).
const sample: RerunDescription = { buildId: 1, tasks: 1, kernels: [{ kernel: "3.10.0-1160.el7.x86_64", tasks: ["2.2.0 mod"], bundle: true }] };

describe("rerun summary", () => {
  it("counts the tasks and the kernels that can be built again", () => {
    expect(rerunUnavailable(sample)).toBeNull();
    expect(rerunScope(sample)).toBe("1 task on 1 kernel");
    expect(kernelsLeftOut(sample)).toEqual([]);
  });

  it("leaves out kernels whose bundle is gone, and says why when nothing is left", () => {
    const gone: RerunDescription = { ...sample, tasks: 0, kernels: sample.kernels.map((k) => ({ ...k, bundle: false })) };
    expect(kernelsLeftOut(gone)).toEqual(["3.10.0-1160.el7.x86_64"]);
    expect(rerunUnavailable(gone)).toBe("Nothing to re-run: no bundle is stored for the 1 kernel whose tasks failed.");
    const mixed: RerunDescription = { ...sample, kernels: [...sample.kernels, { kernel: "6.1.0-55-amd64", tasks: ["2.2.0 mod", "2.2.0 bpf"], bundle: false }] };
    expect(rerunScope(mixed)).toBe("1 task on 1 kernel");
    expect(kernelsLeftOut(mixed)).toEqual(["6.1.0-55-amd64"]);
  });

  it("says so when nothing failed", () => {
    expect(rerunUnavailable({ buildId: 1, tasks: 0, kernels: [] })).toBe("Nothing to re-run: no task failed or is missing.");
  });
});
