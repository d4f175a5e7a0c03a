import "server-only";
import { eq } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { builds } from "@/lib/db/schema";
import { listFailureGroups, type FailureGroupView } from "./list-failure-groups";

/**
 * The failure groups of a build's workspace by signature (null for an empty
 * log), so that the failures of one build can say which are new and link to
 * their history. Null for a build without a workspace.
 */
export async function groupsOfBuild(buildId: number, db: Db = getDb()) {
  const build = db.select({ workspaceId: builds.workspaceId }).from(builds).where(eq(builds.id, buildId)).get();
  if (!build?.workspaceId) return null;
  const view = await listFailureGroups({ workspaceId: build.workspaceId }, db);
  return { workspace: view.workspace, counts: view.counts, bySignature: new Map<string | null, FailureGroupView>(view.groups.map((g) => [g.signature, g])) };
}
