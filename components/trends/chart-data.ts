import type { TrendChartData } from "./trend-chart";
import { type Flavour } from "@/lib/vocabulary";

type Point = { build: { id: number; createdAt: Date | string; finishedAt: Date | string | null }; columns: { moduleVersion: string; flavour: Flavour; coverage: number | null }[] };

/** One flavour's lines (one per module version) over the builds, in the order they finished. */
export function chartData(points: readonly Point[], flavour: Flavour, moduleVersions: readonly string[]): TrendChartData {
  const ordered = points
    .map((p) => ({ p, at: new Date(p.build.finishedAt ?? p.build.createdAt).getTime() }))
    .sort((a, b) => a.at - b.at || a.p.build.id - b.p.build.id);
  const versions = moduleVersions.filter((v) => points.some((p) => p.columns.some((c) => c.flavour === flavour && c.moduleVersion === v)));
  return {
    builds: ordered.map(({ p, at }) => ({ id: p.build.id, at })),
    series: versions.map((v) => ({
      label: v,
      values: ordered.map(({ p }) => {
        const c = p.columns.find((x) => x.flavour === flavour && x.moduleVersion === v)?.coverage;
        return c === null || c === undefined ? null : Math.round(c * 10000) / 100;
      }),
    })),
  };
}
