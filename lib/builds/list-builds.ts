import "server-only";
import { and, count, desc, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { builds, tasks, workspaces } from "@/lib/db/schema";

type Filter = { status?: (typeof builds.$inferSelect)["status"]; branch?: string; page?: number; perPage?: number };

export function listBuilds({ status, branch, page = 1, perPage = 50 }: Filter = {}) {
  // Shards are shown on their sharded build's page, not as builds of their own.
  const where: SQL[] = [isNull(builds.parentId)];
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

/** Tasks built and failed per build, for the given builds only. */
function countTaskResults(ids: number[]) {
  const result = new Map<number, { built: number; failed: number; unavailable: number }>();
  if (ids.length === 0) return result;
  const rows = getDb()
    .select({
      buildId: tasks.buildId,
      built: sql<number>`sum(${tasks.state} = 'built')`,
      failed: sql<number>`sum(${tasks.state} = 'failed')`,
      unavailable: sql<number>`sum(${tasks.state} = 'unavailable')`,
    })
    .from(tasks)
    .where(inArray(tasks.buildId, ids))
    .groupBy(tasks.buildId)
    .all();
  for (const r of rows) result.set(r.buildId, { built: Number(r.built ?? 0), failed: Number(r.failed ?? 0), unavailable: Number(r.unavailable ?? 0) });
  return result;
}

/** The branches builds were made of, for the list's filter. */
export function listBuildBranches(): string[] {
  return getDb()
    .selectDistinct({ branch: builds.branch })
    .from(builds)
    .where(sql`${builds.branch} IS NOT NULL`)
    .orderBy(builds.branch)
    .all()
    .map((r) => r.branch!);
}

/** The list as the API answers it: one small object per build. */
export function listBuildViews(filter: Filter) {
  const { rows, total, page, perPage } = listBuilds(filter);
  const results = countTaskResults(rows.map((r) => r.build.id));
  const now = Date.now();
  return {
    total,
    page,
    perPage,
    builds: rows.map(({ build: b, workspace }) => ({
      id: b.id,
      kind: b.kind,
      status: b.status,
      // A removed workspace's builds keep its name.
      workspace: workspace ?? b.workspaceName,
      branch: b.branch,
      commit: b.commit,
      commitDirty: b.commitDirty,
      options: summarizeOptions(b.options),
      tag: b.tag,
      target: b.target,
      startedBy: b.startedBy,
      createdAt: b.createdAt,
      startedAt: b.startedAt,
      finishedAt: b.finishedAt,
      durationMs: b.startedAt ? (b.finishedAt?.getTime() ?? now) - b.startedAt.getTime() : null,
      plan: { planned: b.plannedTasks, done: b.doneTasks },
      drivers: results.get(b.id) ?? { built: 0, failed: 0, unavailable: 0 },
      error: b.error,
    })),
  };
}

export type BuildListView = ReturnType<typeof listBuildViews>;
export type BuildListItem = BuildListView["builds"][number];

/** The options that set a build apart from a default one, in the build args' words. */
export function summarizeOptions(options: Record<string, unknown>): string[] {
  const parts: string[] = [];
  // Image operations: what they read, in the build args' words.
  if (options.operation === "merge" && Array.isArray(options.extraTags)) {
    return [`BASE_TAG=${String(options.baseTag)}`, `${options.extraTags.length} extra tag${options.extraTags.length === 1 ? "" : "s"}: ${options.extraTags.join(", ")}`];
  }
  if (options.operation === "squash") return [`DRIVERS_TAG=${String(options.driversTag)}`];
  if (options.operation === "collector") return [`COLLECTOR_TAG=${String(options.collectorTag)}`, `DRIVERS_TAG=${String(options.driversTag)}`, `MODULE_VERSION=${String(options.moduleVersion)}`];
  const rerunOf = options.rerunOf as { buildId?: unknown } | null | undefined;
  const sharding = options.sharding as { engines?: unknown } | null | undefined;
  if (typeof rerunOf?.buildId === "number") parts.push(`re-run of #${rerunOf.buildId}`);
  if (sharding?.engines === "all") parts.push("sharded over every engine");
  // A re-run is always a sharded build, over one engine unless asked otherwise.
  else if (typeof sharding?.engines === "number" && !(rerunOf && sharding.engines === 1)) parts.push(`sharded over ${sharding.engines}`);
  if (options.legacyProbes === true) parts.push("LEGACY_PROBES");
  if (options.useKernelsFile === true) parts.push("KERNEL_VERSIONS");
  if (Array.isArray(options.bundleIds)) parts.push(`${options.bundleIds.length} bundle${options.bundleIds.length === 1 ? "" : "s"}`);
  // A re-run's cache is the image it completes, already named by "re-run of".
  if (typeof options.cacheRepo === "string" && typeof options.cacheTag === "string" && !rerunOf) parts.push(`cache ${options.cacheRepo}:${options.cacheTag}`);
  if (options.checkoutBeforePatching === false) parts.push("working tree");
  if (typeof options.buildJobs === "number") parts.push(`BUILD_JOBS=${options.buildJobs}`);
  if (options.builder === "classic") parts.push("classic builder");
  if (options.redhatCredentials === true) parts.push("Red Hat credentials");
  return parts;
}
