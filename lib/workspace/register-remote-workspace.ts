import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { workspaces } from "@/lib/db/schema";
import { ApiError } from "@/lib/http/api-error";
import { checkDockerfile, DEFAULT_DOCKERFILE } from "./check-dockerfile";
import { checkWorkspaceFree } from "./check-workspace-free";
import type { RegisterWorkspaceInput, Workspace } from "./register-workspace";
import { parseRemoteUrl } from "./remote-url";
import { initClone, syncClone } from "./sync-clone";
import { cloneDir, clonesDir } from "./workspace-dirs";

/**
 * A git remote as a workspace: cloned (within KOBUILD_GIT_TIMEOUT_SECONDS)
 * into `<data>/workspaces/remotes/<id>` with the remote's branches and tags
 * as its own, the working tree at the default branch, which must hold the
 * Dockerfile. A remote that does not answer or refuses leaves nothing behind:
 * no row, no directory.
 */
export async function registerRemoteWorkspace(input: RegisterWorkspaceInput & { url: string }, db: Db): Promise<Workspace> {
  const { name } = input;
  const { url } = parseRemoteUrl(input.url);
  const dockerfile = input.dockerfile ?? DEFAULT_DOCKERFILE;
  checkWorkspaceFree(db, name, { url });

  fs.mkdirSync(clonesDir(), { recursive: true });
  const staging = path.join(clonesDir(), `.new-${randomBytes(6).toString("hex")}`);
  try {
    await initClone(staging, url);
    const { defaultBranch } = await syncClone(staging, url);
    await checkDockerfile(staging, dockerfile).catch((error: unknown) => {
      if (error instanceof ApiError && /^no Dockerfile at/.test(error.message)) throw new ApiError("bad_request", `no Dockerfile at ${dockerfile} on ${defaultBranch}, the default branch of ${url}`);
      throw error;
    });
    // The row and the directory's final name come together: the clone is named after the row's id.
    return db.transaction((tx) => {
      const row = tx
        .insert(workspaces)
        .values({ name, kind: "remote", path: staging, url, dockerfile, defaultBranch, lastFetchAt: new Date(), network: input.network ?? "default" })
        .returning()
        .get();
      const final = cloneDir(row.id);
      fs.rmSync(final, { recursive: true, force: true });
      fs.renameSync(staging, final);
      return tx.update(workspaces).set({ path: final }).where(eq(workspaces.id, row.id)).returning().get()!;
    });
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") {
      throw new ApiError("conflict", `a workspace named ${JSON.stringify(name)} or of ${url} was registered meanwhile`);
    }
    throw error;
  }
}
