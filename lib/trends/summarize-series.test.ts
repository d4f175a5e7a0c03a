import { describe, expect, it } from "vitest";
import { emptyCounts } from "@/lib/coverage/coverage-model";
import { columnCoverage } from "./coverage-ratio";
import { pointAtOrBefore, summarizeSeries, type TrendPoint } from "./summarize-series";

// A workspace building 2.1.0 and 2.2.0 of the driver over 4,000 kernels, one
// build a day; 2.1.0's kernel modules lose 120 kernels on day 3.
const DAY = 24 * 3600_000;
const start = Date.UTC(2026, 10, 1, 6);

function point(id: number, day: number, columns: [string, "mod" | "bpf", number, number][]): TrendPoint {
  return {
    build: { id, branch: "master", status: "succeeded", createdAt: new Date(start + day * DAY - 600_000), finishedAt: new Date(start + day * DAY) },
    kernels: 4000,
    columns: columns.map(([v, f, built, failed]) => columnCoverage(v, f, { ...emptyCounts(), built, failed, blocklisted: 4000 - built - failed })!),
  };
}

const points = [
  point(1, 0, [["2.1.0", "mod", 3900, 0], ["2.2.0", "mod", 3900, 0]]),
  point(2, 1, [["2.1.0", "mod", 3900, 0], ["2.2.0", "mod", 3890, 10]]),
  point(3, 3, [["2.1.0", "mod", 3780, 120], ["2.2.0", "mod", 3900, 0]]),
  point(4, 8, [["2.1.0", "mod", 3780, 120], ["2.2.0", "mod", 3900, 0]]),
];

describe("summarizeSeries", () => {
  it("names the lagging module version and the build where it dropped", () => {
    const [v21, v22] = summarizeSeries(points, null);
    expect(v21).toMatchObject({ moduleVersion: "2.1.0", flavour: "mod", latestBuildId: 4, lags: true, lastDrop: { buildId: 3, from: 1, to: 3780 / 3900 } });
    expect(v21!.lastDrop!.at).toEqual(points[2]!.build.finishedAt);
    // 2.2.0 dipped on day 1 and came back: its last drop stays, but it does not lag.
    expect(v22).toMatchObject({ latest: 1, lags: false, lastDrop: { buildId: 2 } });
  });

  it("compares with the latest build at least a week old", () => {
    const reference = pointAtOrBefore(points, new Date(start + 8 * DAY - 7 * DAY));
    expect(reference?.build.id).toBe(2);
    const [v21, v22] = summarizeSeries(points, reference);
    expect(v21!.change).toBeCloseTo(3780 / 3900 - 1, 10);
    expect(v22!.change).toBeCloseTo(1 - 3890 / 3900, 10);
    expect(summarizeSeries(points, null)[0]!.change).toBeNull();
  });

  it("does not call a module version the latest build no longer builds lagging", () => {
    const dropped = [...points, point(5, 9, [["2.2.0", "mod", 3900, 0], ["2.2.0", "bpf", 3000, 900], ["2.3.0", "bpf", 3900, 0]])];
    const summaries = summarizeSeries(dropped, null);
    expect(summaries.find((s) => s.moduleVersion === "2.1.0")).toMatchObject({ latestBuildId: 4, lags: false });
    expect(summaries.find((s) => s.moduleVersion === "2.2.0" && s.flavour === "bpf")).toMatchObject({ lags: true });
    // The kernel modules' only module version does not lag the eBPF probes.
    expect(summaries.find((s) => s.moduleVersion === "2.2.0" && s.flavour === "mod")).toMatchObject({ lags: false });
  });
});
