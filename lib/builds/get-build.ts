import "server-only";
import { asc, eq, sql } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { builds, engines, images, stages, workspaces } from "@/lib/db/schema";
import { buildOptionsView } from "@/lib/build-options";
import { DomainError } from "@/lib/domain-error";
import { isShardedBuild } from "./shards/sharding-options";
import { shardLanes } from "./shards/shard-view";

/** The view's two queries, prepared once per database: followers of a running build read it at every change. */
const prepared = new WeakMap<Db, ReturnType<typeof prepareQueries>>();

function prepareQueries(db: Db) {
  const id = sql.placeholder("id");
  return {
    build: db
      .select({
        build: builds,
        workspace: { id: workspaces.id, name: workspaces.name },
        image: { id: images.id, dockerId: images.dockerId, ref: images.ref },
        engine: { id: engines.id, name: engines.name },
      })
      .from(builds)
      .leftJoin(workspaces, eq(workspaces.id, builds.workspaceId))
      .leftJoin(engines, eq(engines.id, builds.engineId))
      .leftJoin(images, eq(images.id, builds.imageId))
      .where(eq(builds.id, id))
      .prepare(),
    stages: db.select().from(stages).where(eq(stages.buildId, id)).orderBy(asc(stages.position)).prepare(),
  };
}

/** A build as the API and pages show it: options without secrets, stages with timings, plan and progress. */
export function getBuildView(id: number) {
  const db = getDb();
  let queries = prepared.get(db);
  if (!queries) prepared.set(db, (queries = prepareQueries(db)));
  const row = queries.build.get({ id });
  if (!row) throw new DomainError("not_found", `no build with id ${id}`);
  const b = row.build;
  const stageRows = queries.stages.all({ id });
  const end = b.finishedAt ?? (b.startedAt ? new Date() : null);
  return {
    id: b.id,
    kind: b.kind,
    status: b.status,
    /** A removed workspace keeps its name here, without an id. */
    workspace: row.workspace?.id ? row.workspace : b.workspaceName ? { id: null, name: b.workspaceName } : null,
    branch: b.branch,
    /** The commit built (null until the build starts), and whether the sources built had changes not in it. */
    commit: b.commit,
    commitDirty: b.commitDirty,
    options: buildOptionsView(b.options),
    target: b.target,
    tag: b.tag,
    builder: b.builder,
    /** Where it runs; null: the default engine. */
    engine: row.engine?.id ? row.engine : null,
    /** For a shard: the sharded build it belongs to. */
    parent: b.parentId ? { id: b.parentId, shard: b.shard, attempt: b.attempt } : null,
    /** For a sharded build: its shards as lanes, each with its attempts; null otherwise. */
    shards: isShardedBuild(b.options) ? shardLanes(db, b.id) : null,
    image: row.image?.id ? row.image : null,
    error: b.error,
    failedStep: b.failedStep,
    warnings: b.warnings,
    startedBy: b.startedBy,
    createdAt: b.createdAt,
    startedAt: b.startedAt,
    finishedAt: b.finishedAt,
    durationMs: b.startedAt && end ? end.getTime() - b.startedAt.getTime() : null,
    /** Tasks planned and done, per builder, and how the plan was learnt (null before it is read). */
    plan: { planned: b.plannedTasks, done: b.doneTasks, builders: b.progress, source: b.plan ?? null },
    stages: stageRows.map((s) => ({
      name: s.name,
      status: s.status,
      startedAt: s.startedAt,
      finishedAt: s.finishedAt,
      durationMs: s.startedAt && s.finishedAt ? s.finishedAt.getTime() - s.startedAt.getTime() : null,
    })),
  };
}

export type BuildView = ReturnType<typeof getBuildView>;
