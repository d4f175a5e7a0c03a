import "server-only";
import { getDb, type Db } from "@/lib/db/client";
import { listFailureGroups } from "@/lib/failure-groups/list-failure-groups";
import { listWorkspaces } from "@/lib/workspace/list-workspaces";
import { getWorkspaceTrends } from "./list-trends";

const DAY_MS = 24 * 3600_000;

/**
 * What the overview opens with, per workspace: coverage per module version
 * of its main branch now and since a week ago, and the failure groups first
 * seen since yesterday.
 */
export async function describeDriversOverview(db: Db = getDb(), now = new Date()) {
  const out = [];
  for (const w of listWorkspaces(db)) {
    const trends = await getWorkspaceTrends({ workspaceId: w.id, limit: 500 }, db, now);
    const fresh = await listFailureGroups({ workspaceId: w.id, since: new Date(now.getTime() - DAY_MS) }, db);
    out.push({
      workspace: trends.workspace,
      branch: trends.branch,
      latestBuildId: trends.points.at(-1)?.build.id ?? null,
      kernels: trends.points.at(-1)?.kernels ?? null,
      series: trends.series,
      newGroups: fresh.groups.map((g) => ({ id: g.id, signature: g.signature, state: g.state, kernels: g.kernels, firstSeen: g.firstSeen })),
    });
  }
  return out;
}

export type DriversOverview = Awaited<ReturnType<typeof describeDriversOverview>>;
