import "server-only";
import { eq, inArray } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { builds, bundles, workspaces } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import { getRegistryRow } from "@/lib/registries/registry-store";
import { instanceId } from "@/lib/system/instance-id";
import { resolveBuildBranch } from "@/lib/workspace/resolve-build-branch";
import { keepBuildSecrets } from "./build-secrets";
import type { CreateBuildBody } from "./build-schemas";
import { pumpBuildQueue } from "./build-queue";
import { getBuildView } from "./get-build";
import type { StoredBuildOptions } from "@/lib/build-options";
import { refuseWhileDraining } from "./draining";

/** Queues a driver build and starts it when the engine has room. */
export async function createBuild(body: CreateBuildBody, { startedBy = null }: { startedBy?: string | null } = {}) {
  refuseWhileDraining();
  const db = getDb();
  const workspace = db.select().from(workspaces).where(eq(workspaces.id, body.workspaceId)).get();
  if (!workspace) throw new DomainError("not_found", `no workspace with id ${body.workspaceId}`);
  const branch = await resolveBuildBranch(workspace, body.branch);
  if (body.bundleIds) {
    const wanted = [...new Set(body.bundleIds)];
    const found = db.select({ id: bundles.id }).from(bundles).where(inArray(bundles.id, wanted)).all();
    if (found.length !== wanted.length) {
      const known = new Set(found.map((b) => b.id));
      throw new DomainError("not_found", `no bundle with id ${wanted.filter((id) => !known.has(id)).join(", ")}`);
    }
  }
  const cacheImage = body.cacheRepo && body.cacheTag ? `${body.cacheRepo}/collector-drivers:${body.cacheTag}` : null;
  if (cacheImage && body.tag && normalise(body.tag) === normalise(cacheImage)) {
    // The old pipeline once replaced its cache with an emptier image this way.
    throw new DomainError("conflict", `the output tag ${body.tag} is the cache image this build reads; choose another tag`);
  }
  if (body.sharding?.registryId) getRegistryRow(body.sharding.registryId);
  const options: StoredBuildOptions = {
    branch,
    legacyProbes: body.legacyProbes,
    useKernelsFile: body.useKernelsFile,
    cacheRepo: body.cacheRepo ?? null,
    cacheTag: body.cacheTag ?? null,
    checkoutBeforePatching: body.checkoutBeforePatching,
    buildJobs: body.buildJobs,
    builder: body.builder,
    network: body.network ?? workspace.network,
    noCache: body.noCache,
    pull: body.pull,
    bundleIds: body.bundleIds ? [...new Set(body.bundleIds)] : null,
    redhatCredentials: Boolean(body.redhatUsername || body.redhatPassword),
    sharding: body.sharding ?? null,
  };
  const row = db
    .insert(builds)
    .values({
      kind: "drivers",
      workspaceId: workspace.id,
      branch,
      options,
      target: body.target ?? null,
      tag: body.tag ?? null,
      startedBy,
    })
    .returning({ id: builds.id })
    .get();
  // Without an explicit tag the result is still addressable by a stable name.
  if (!body.tag && !body.target) db.update(builds).set({ tag: `kobuild/collector-drivers:build-${row.id}-${instanceId()}` }).where(eq(builds.id, row.id)).run();
  keepBuildSecrets(row.id, { redhatUsername: body.redhatUsername, redhatPassword: body.redhatPassword });
  pumpBuildQueue();
  return getBuildView(row.id);
}

function normalise(ref: string) {
  const withTag = /:[^/]+$/.test(ref) ? ref : `${ref}:latest`;
  return withTag.replace(/^docker\.io\/(library\/)?/, "");
}
