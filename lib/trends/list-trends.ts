import "server-only";
import { and, count, desc, eq, inArray, isNull } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { buildCoverageCounts, buildDigests, builds, workspaces } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import { compareVersions } from "@/lib/workspace/compare-versions";
import { ensureDigests } from "@/lib/build-digests/backfill-digests";
import { columnCoverage, type ColumnCoverage } from "./coverage-ratio";
import { pointAtOrBefore, summarizeSeries, type TrendPoint, type TrendPointBuild } from "./summarize-series";
import type { TrendsQuery } from "./trend-schemas";

const WEEK_MS = 7 * 24 * 3600_000;

/**
 * One point per build, from the digests kept when each build ended. This
 * takes any list of builds: a workspace's branch today, a channel's builds
 * when kobuild has channels. Builds without a result image have no point.
 */
export function trendPointsOf(buildRows: readonly TrendPointBuild[], db: Db = getDb()): TrendPoint[] {
  if (buildRows.length === 0) return [];
  const ids = buildRows.map((b) => b.id);
  const digests = new Map(
    db
      .select({ buildId: buildDigests.buildId, kernels: buildDigests.kernels })
      .from(buildDigests)
      .where(and(inArray(buildDigests.buildId, ids), eq(buildDigests.hasImage, true)))
      .all()
      .map((d) => [d.buildId, d.kernels]),
  );
  const columns = new Map<number, ColumnCoverage[]>();
  for (const row of db.select().from(buildCoverageCounts).where(inArray(buildCoverageCounts.buildId, ids)).all()) {
    const column = columnCoverage(row.moduleVersion, row.flavour, row);
    if (!column) continue;
    const list = columns.get(row.buildId);
    if (list) list.push(column);
    else columns.set(row.buildId, [column]);
  }
  // Module versions are put in order once: comparing them per point is most of the time of 500 points.
  const versionRank = new Map([...new Set([...columns.values()].flatMap((list) => list.map((c) => c.moduleVersion)))].sort(compareVersions).map((v, i) => [v, i]));
  return [...buildRows]
    .filter((b) => digests.has(b.id))
    .sort((a, b) => a.id - b.id)
    .map((b) => ({
      build: b,
      kernels: digests.get(b.id)!,
      columns: (columns.get(b.id) ?? []).sort((x, y) => versionRank.get(x.moduleVersion)! - versionRank.get(y.moduleVersion)! || x.flavour.localeCompare(y.flavour)),
    }));
}

/**
 * A point as the trends answer carries it: per column the counts a lead
 * reads (kernels with a driver, built and cached, failed, unavailable,
 * blocklisted) and the coverage to six places; the kernels once per point.
 * 500 builds of 8 columns stay a few hundred kilobytes.
 */
function wirePoint(p: TrendPoint) {
  return {
    build: { id: p.build.id, createdAt: p.build.createdAt, finishedAt: p.build.finishedAt },
    kernels: p.kernels,
    columns: p.columns.map((c) => ({
      moduleVersion: c.moduleVersion,
      flavour: c.flavour,
      withDriver: c.withDriver,
      built: c.built,
      cached: c.cached,
      failed: c.failed,
      unavailable: c.unavailable,
      blocklisted: c.blocklisted,
      coverage: c.coverage === null ? null : Math.round(c.coverage * 1e6) / 1e6,
    })),
  };
}

const buildFields = { id: builds.id, branch: builds.branch, status: builds.status, createdAt: builds.createdAt, finishedAt: builds.finishedAt };
const topLevelDriverBuilds = (workspaceId: number) => and(eq(builds.workspaceId, workspaceId), eq(builds.kind, "drivers"), isNull(builds.parentId));

/** The branch a workspace builds most (of its latest 50 driver builds; the newer on a tie): what its trends show first. */
export function mainBranchOf(workspaceId: number, db: Db = getDb()): string | null {
  const recent = db.select({ branch: builds.branch }).from(builds).where(topLevelDriverBuilds(workspaceId)).orderBy(desc(builds.id)).limit(50).all();
  const tally = new Map<string, number>();
  for (const { branch } of recent) if (branch) tally.set(branch, (tally.get(branch) ?? 0) + 1);
  let best: string | null = null;
  for (const [branch, n] of tally) if (best === null || n > tally.get(best)!) best = branch;
  return best;
}

/** The branches a workspace has driver builds of, most built first. */
export function branchesOf(workspaceId: number, db: Db = getDb()): string[] {
  return db
    .select({ branch: builds.branch, n: count() })
    .from(builds)
    .where(topLevelDriverBuilds(workspaceId))
    .groupBy(builds.branch)
    .orderBy(desc(count()))
    .all()
    .flatMap((r) => (r.branch ? [r.branch] : []));
}

/** A workspace's trends on one branch (its main one unless named): points, series summaries and the week-old reference. */
export async function getWorkspaceTrends(query: TrendsQuery, db: Db = getDb(), now = new Date()) {
  const workspace = db.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).where(eq(workspaces.id, query.workspaceId)).get();
  if (!workspace) throw new DomainError("not_found", `no workspace with id ${query.workspaceId}`);
  const branches = branchesOf(workspace.id, db);
  const branch = query.branch ?? mainBranchOf(workspace.id, db);
  if (query.branch && !branches.includes(query.branch)) throw new DomainError("not_found", `workspace ${workspace.name} has no driver build of branch ${query.branch}`);
  await ensureDigests(db);
  const rows =
    branch === null
      ? []
      : db
          .select(buildFields)
          .from(builds)
          .innerJoin(buildDigests, eq(buildDigests.buildId, builds.id))
          .where(and(topLevelDriverBuilds(workspace.id), eq(builds.branch, branch), eq(buildDigests.hasImage, true)))
          .orderBy(desc(builds.id))
          .limit(query.limit)
          .all();
  const points = trendPointsOf(rows, db);
  const reference = pointAtOrBefore(points, new Date(now.getTime() - WEEK_MS));
  const series = summarizeSeries(points, reference).sort((a, b) => compareVersions(a.moduleVersion, b.moduleVersion) || a.flavour.localeCompare(b.flavour));
  return {
    workspace,
    branch,
    branches,
    moduleVersions: [...new Set(series.map((s) => s.moduleVersion))],
    reference: reference ? { buildId: reference.build.id, at: reference.build.finishedAt ?? reference.build.createdAt } : null,
    series,
    points: points.map(wirePoint),
  };
}

export type WorkspaceTrends = Awaited<ReturnType<typeof getWorkspaceTrends>>;
