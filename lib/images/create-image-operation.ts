import "server-only";
import { eq } from "drizzle-orm";
import type Docker from "dockerode";
import { pumpBuildQueue } from "@/lib/builds/build-queue";
import { refuseWhileDraining } from "@/lib/builds/draining";
import { getBuildView } from "@/lib/builds/get-build";
import { getDb } from "@/lib/db/client";
import { builds } from "@/lib/db/schema";
import { defaultEngine } from "@/lib/engines/engine-clients";
import { inspectImage } from "@/lib/docker/image/inspect-image";
import { instanceId } from "@/lib/system/instance-id";
import { findRegistryForImage } from "@/lib/registries/registry-store";
import type { OperationOptions } from "@/lib/build-options";
import { operationInputs } from "./operation-inputs";
import { readOperationDockerfile, type OperationKind } from "@/lib/workspace/operation-dockerfile";
import type { CollectorBody, MergeBody, SquashBody } from "./operation-schemas";

export function createMerge(body: MergeBody, opts: { startedBy?: string | null; engine?: Docker } = {}) {
  const options: OperationOptions = { operation: "merge", driversRepo: body.driversRepo, baseTag: body.baseTag, extraTags: body.extraTags };
  return queueOperation("merge", options, body, opts, (id) => `${body.driversRepo}/collector-drivers:merge-${id}-${instanceId()}`);
}

export function createSquash(body: SquashBody, opts: { startedBy?: string | null; engine?: Docker } = {}) {
  const options: OperationOptions = { operation: "squash", driversRepo: body.driversRepo, driversTag: body.driversTag };
  return queueOperation("squash", options, body, opts, () => `${body.driversRepo}/collector-drivers:${body.driversTag}-squashed`);
}

export function createCollectorImage(body: CollectorBody, opts: { startedBy?: string | null; engine?: Docker } = {}) {
  const options: OperationOptions = {
    operation: "collector",
    collectorRepo: body.collectorRepo,
    collectorTag: body.collectorTag,
    driversRepo: body.driversRepo,
    driversTag: body.driversTag,
    moduleVersion: body.moduleVersion,
  };
  return queueOperation("collector", options, body, opts, () => body.tag!);
}

/**
 * Queues an image operation as a build of its kind: it waits in the same
 * queue, and its log, stages and events are a build's. Inputs are checked
 * first, so a typo is a 404 now rather than a failed build later. The
 * output may name one of the inputs (as CI's accumulating merges do): the
 * runner builds into a temporary tag and moves the output tag only once no
 * input driver is missing from the result.
 */
async function queueOperation(
  kind: OperationKind,
  options: OperationOptions,
  body: { tag: string | null; workspaceId: number | null },
  { startedBy = null, engine = defaultEngine() }: { startedBy?: string | null; engine?: Docker },
  defaultTag: (id: number) => string,
) {
  refuseWhileDraining();
  const db = getDb();
  const dockerfile = await readOperationDockerfile(db, kind, body.workspaceId);
  for (const ref of operationInputs(options)) {
    // Images of a configured registry are pulled when the operation starts.
    if (findRegistryForImage(ref)) continue;
    await inspectImage(engine, ref);
  }
  const row = db
    .insert(builds)
    .values({
      kind,
      workspaceId: body.workspaceId,
      options: { ...options, dockerfile: dockerfile.source },
      tag: body.tag,
      startedBy,
      plannedTasks: options.operation === "merge" ? options.extraTags.length : null,
    })
    .returning({ id: builds.id })
    .get();
  if (!body.tag) db.update(builds).set({ tag: defaultTag(row.id) }).where(eq(builds.id, row.id)).run();
  pumpBuildQueue();
  return getBuildView(row.id);
}
