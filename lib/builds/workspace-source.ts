import "server-only";
import { eq } from "drizzle-orm";
import { builds } from "@/lib/db/schema";
import { getWorkspace } from "@/lib/workspace/get-workspace";
import { prepareWorkspaceSource, type WorkspaceSource } from "@/lib/workspace/prepare-workspace-source";
import type { BuildRecipe, BuildSession } from "./build-session";
import { driverOptionsOf } from "@/lib/build-options";

/**
 * A driver build's recipe run with its workspace's sources ready: a remote is
 * fetched and checked out for this build, the commit built is recorded on the
 * build (and said in its log) before anything reaches the engine, and what
 * was made for the build is removed when it ends, however it ends.
 */
export function withWorkspaceSource(recipe: (session: BuildSession, source: WorkspaceSource) => ReturnType<BuildRecipe>): BuildRecipe {
  return async (session) => {
    const { db, build } = session;
    const options = driverOptionsOf(build);
    const workspace = getWorkspace(build.workspaceId!, db);
    const source = await prepareWorkspaceSource(workspace, {
      branch: options.branch,
      checkoutBeforePatching: options.checkoutBeforePatching,
      buildId: build.id,
      signal: session.signal,
      commit: options.commit ?? null,
      note: (text) => session.note(text),
    });
    try {
      db.update(builds).set({ commit: source.commit, commitDirty: source.dirty }).where(eq(builds.id, build.id)).run();
      session.note(`the sources: ${options.branch} at ${source.commit}${source.dirty ? ", with uncommitted changes" : ""}`);
      return await recipe(session, source);
    } finally {
      await source.release();
    }
  };
}
