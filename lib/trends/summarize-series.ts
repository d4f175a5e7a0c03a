// What a lead reads off the trend before looking at the chart: per module
// version and flavour, where coverage stands in the latest build, how that
// compares with a reference build (a week ago), the latest build where it
// fell, and which series lags the others.

import type { ColumnCoverage } from "./coverage-ratio";
import { type Flavour } from "@/lib/vocabulary";

export type TrendPointBuild = { id: number; branch: string | null; status: string; createdAt: Date; finishedAt: Date | null };
export type TrendPoint = { build: TrendPointBuild; kernels: number; columns: ColumnCoverage[] };

export type SeriesDrop = { buildId: number; at: Date; from: number; to: number };

export type SeriesSummary = {
  moduleVersion: string;
  flavour: Flavour;
  /** Coverage in the latest point that has this series (0 to 1), and that point's build. */
  latest: number | null;
  latestBuildId: number | null;
  /** Coverage in the reference point (the latest build at least a week old), when it had this series. */
  reference: number | null;
  /** latest − reference, in the same 0 to 1 unit. */
  change: number | null;
  /** The latest build whose coverage fell below the build before it. */
  lastDrop: SeriesDrop | null;
  /** The lowest latest coverage of the latest build's module versions of this flavour, when another does better. */
  lags: boolean;
};

/** A fall smaller than this (0.05 percentage points) is noise of a kernel or two out of thousands. */
const DROP_EPSILON = 0.0005;

const whenOf = (b: TrendPointBuild) => b.finishedAt ?? b.createdAt;

/** The latest point finished at or before `at`, or null. Points are in build order. */
export function pointAtOrBefore(points: readonly TrendPoint[], at: Date): TrendPoint | null {
  let found: TrendPoint | null = null;
  for (const p of points) if (whenOf(p.build).getTime() <= at.getTime()) found = p;
  return found;
}

/** Summaries of every series of the points (in build order), compared with the reference point. */
export function summarizeSeries(points: readonly TrendPoint[], reference: TrendPoint | null): SeriesSummary[] {
  const keys = new Map<string, { moduleVersion: string; flavour: Flavour }>();
  for (const p of points) for (const c of p.columns) keys.set(`${c.moduleVersion} ${c.flavour}`, { moduleVersion: c.moduleVersion, flavour: c.flavour });
  const latestPoint = points.at(-1) ?? null;
  const summaries: SeriesSummary[] = [];
  for (const { moduleVersion, flavour } of keys.values()) {
    let latest: number | null = null;
    let latestBuildId: number | null = null;
    let previous: number | null = null;
    let lastDrop: SeriesDrop | null = null;
    for (const p of points) {
      const value = p.columns.find((c) => c.moduleVersion === moduleVersion && c.flavour === flavour)?.coverage ?? null;
      if (value === null) continue;
      if (previous !== null && value < previous - DROP_EPSILON) lastDrop = { buildId: p.build.id, at: whenOf(p.build), from: previous, to: value };
      previous = value;
      latest = value;
      latestBuildId = p.build.id;
    }
    const referenceValue = reference?.columns.find((c) => c.moduleVersion === moduleVersion && c.flavour === flavour)?.coverage ?? null;
    summaries.push({
      moduleVersion,
      flavour,
      latest,
      latestBuildId,
      reference: referenceValue,
      change: latest !== null && referenceValue !== null && reference !== null && reference.build.id !== latestBuildId ? latest - referenceValue : null,
      lastDrop,
      lags: false,
    });
  }
  // The lagging module version is among those of the latest build (one it no longer builds does not lag), and lags the
  // other module versions of its own flavour: eBPF probes and kernel modules are not held to each other.
  for (const flavour of ["mod", "bpf"] as const) {
    const current = summaries.filter((s) => s.flavour === flavour && latestPoint !== null && s.latestBuildId === latestPoint.build.id && s.latest !== null);
    if (current.length < 2) continue;
    const lowest = current.reduce((a, b) => (b.latest! < a.latest! ? b : a));
    if (current.some((s) => s.latest! > lowest.latest! + DROP_EPSILON)) lowest.lags = true;
  }
  return summaries;
}
