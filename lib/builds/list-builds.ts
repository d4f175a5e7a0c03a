import "server-only";
import { and, count, desc, eq, type SQL } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { builds, workspaces } from "@/lib/db/schema";

type Filter = { status?: (typeof builds.$inferSelect)["status"]; branch?: string; page?: number; perPage?: number };

export function listBuilds({ status, branch, page = 1, perPage = 50 }: Filter = {}) {
  const where: SQL[] = [];
  if (status) where.push(eq(builds.status, status));
  if (branch) where.push(eq(builds.branch, branch));
  const db = getDb();
  const rows = db
    .select({ build: builds, workspace: workspaces.name })
    .from(builds)
    .leftJoin(workspaces, eq(workspaces.id, builds.workspaceId))
    .where(and(...where))
    .orderBy(desc(builds.id))
    .limit(perPage)
    .offset((page - 1) * perPage)
    .all();
  const total = db.select({ n: count() }).from(builds).where(and(...where)).get()?.n ?? 0;
  return { rows, total, page, perPage };
}

/** The list as the API answers it: one small object per build. */
export function listBuildViews(filter: Filter) {
  const { rows, total, page, perPage } = listBuilds(filter);
  return {
    total,
    page,
    perPage,
    builds: rows.map(({ build: b, workspace }) => ({
      id: b.id,
      kind: b.kind,
      status: b.status,
      workspace,
      branch: b.branch,
      tag: b.tag,
      startedBy: b.startedBy,
      createdAt: b.createdAt,
      startedAt: b.startedAt,
      finishedAt: b.finishedAt,
      plan: { planned: b.plannedTasks, done: b.doneTasks },
      error: b.error,
    })),
  };
}
