import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { and, inArray, notInArray } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { builds } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import { fetchLocked } from "./fetch-workspace";
import { git, gitOrNull, resolveCommit } from "./git";
import type { Workspace } from "./workspace-types";
import { buildCheckoutDir, buildCheckoutsDir } from "./workspace-dirs";
import { withWorkspaceLock } from "./workspace-lock";
import { ACTIVE_BUILD_STATUSES } from "@/lib/vocabulary";

export type WorkspaceSource = {
  /** The directory the build sends as `collector/`, .git included. */
  dir: string;
  /** The commit the build builds. */
  commit: string;
  /** Whether the sources built differ from that commit (uncommitted changes of a checkout built with CHECKOUT_BEFORE_PATCHING off). */
  dirty: boolean;
  /** Removes what was made for the build; called once when the build ends. */
  release: () => Promise<void>;
};

export type SourceOptions = {
  /** BRANCH: a branch or tag. */
  branch: string;
  checkoutBeforePatching: boolean;
  buildId: number;
  signal?: AbortSignal;
  /** The commit to build, already chosen (a shard builds its sharded build's commit). */
  commit?: string | null;
  /** A line for the build's log. */
  note?: (text: string) => void;
};

const short = (commit: string) => commit.slice(0, 12);

/**
 * What a build of the workspace sends and which commit that is. A checkout
 * on this machine is sent as it is: the commit is BRANCH's (which the patcher
 * checks out), or HEAD's when CHECKOUT_BEFORE_PATCHING is off, with its
 * uncommitted changes. A remote is fetched first, then checked out for this
 * build alone in the data directory, at BRANCH's commit, with every branch
 * and tag of the remote (the patcher checks them out) and the remote's URL as
 * its origin; it stays unchanged until `release` removes it.
 */
export async function prepareWorkspaceSource(workspace: Workspace, options: SourceOptions): Promise<WorkspaceSource> {
  return workspace.kind === "remote" ? prepareRemote(workspace, options) : preparePath(workspace, options);
}

async function preparePath(workspace: Workspace, { branch, checkoutBeforePatching, commit: chosen }: SourceOptions): Promise<WorkspaceSource> {
  const dir = workspace.path;
  const release = async () => undefined;
  if (checkoutBeforePatching) {
    const commit = await resolveBuildRef(dir, branch);
    if (!commit) throw new DomainError("not_found", `the workspace ${workspace.name} has no branch or tag ${branch}`);
    if (chosen && chosen !== commit) {
      throw new Error(`${branch} moved in the checkout from ${short(chosen)} to ${short(commit)} since the build chose its commit; start the build again`);
    }
    return { dir, commit, dirty: false, release };
  }
  // Both at once: the status walks the whole checkout, and the build waits for it.
  const [commit, status] = await Promise.all([resolveCommit(dir, "HEAD"), git(dir, ["status", "--porcelain", "--untracked-files=all"])]);
  if (!commit) throw new Error(`the checkout ${dir} has no commit yet`);
  return { dir, commit, dirty: status.trim() !== "", release };
}

async function prepareRemote(workspace: Workspace, { branch, buildId, signal, commit: chosen, note }: SourceOptions): Promise<WorkspaceSource> {
  await removeEndedCheckouts();
  const dir = buildCheckoutDir(buildId);
  let commit: string | null = null;
  let isBranch = false;
  await withWorkspaceLock(workspace.id, async () => {
    // A commit already chosen (and fetched) needs no fetch of its own.
    if (!chosen || !(await resolveCommit(workspace.path, chosen))) {
      const fetched = await fetchLocked(workspace, { signal });
      note?.(`fetched ${workspace.url}: its default branch is ${fetched.defaultBranch}`);
    }
    if (chosen && !(await resolveCommit(workspace.path, chosen))) throw new Error(`the commit ${short(chosen)} the build chose is no longer on ${workspace.url}`);
    const hasRef = async (ref: string) => (await gitOrNull(workspace.path, ["show-ref", "--verify", "--quiet", ref])) !== null;
    // A chosen commit keeps its branch even if the branch moved or went away on the remote since.
    isBranch = (await hasRef(`refs/heads/${branch}`)) || (Boolean(chosen) && !(await hasRef(`refs/tags/${branch}`)));
    commit = chosen ?? (await resolveBuildRef(workspace.path, branch));
    if (!commit) throw new DomainError("not_found", `${workspace.url} has no branch or tag ${branch}`);
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(path.dirname(dir), { recursive: true });
    // A bare clone copies every branch and tag as they are; --local hard-links the objects instead of copying them.
    // (Not a file of the app: the server build must not trace the project's own .git for it.)
    await git(workspace.path, ["clone", "--quiet", "--bare", "--local", "--", workspace.path, path.join(/* turbopackIgnore: true */ dir, ".git")]);
  });
  try {
    await git(dir, ["config", "core.bare", "false"]);
    // Relative submodule URLs resolve against origin.
    await git(dir, ["remote", "set-url", "origin", workspace.url!]);
    if (isBranch) {
      await git(dir, ["update-ref", `refs/heads/${branch}`, commit!]);
      await git(dir, ["symbolic-ref", "HEAD", `refs/heads/${branch}`]);
    } else {
      await git(dir, ["update-ref", "--no-deref", "HEAD", commit!]);
    }
    await git(dir, ["reset", "--quiet", "--hard"]);
  } catch (error) {
    await fs.rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, commit: commit!, dirty: false, release: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** BRANCH's commit as the patcher's `git checkout "$BRANCH"` takes it: a branch of that name first, then a tag or a commit. */
async function resolveBuildRef(repo: string, name: string): Promise<string | null> {
  return (await resolveCommit(repo, `refs/heads/${name}`)) ?? (await resolveCommit(repo, name));
}

/** Checkouts that a build which has ended (a dashboard that stopped mid-build) left behind. */
async function removeEndedCheckouts() {
  const names = await fs.readdir(buildCheckoutsDir()).catch(() => [] as string[]);
  const ids = names.filter((n) => /^\d{1,12}$/.test(n)).map(Number);
  if (ids.length === 0) return;
  const ended = getDb()
    .select({ id: builds.id })
    .from(builds)
    .where(and(inArray(builds.id, ids), notInArray(builds.status, [...ACTIVE_BUILD_STATUSES])))
    .all();
  for (const { id } of ended) await fs.rm(buildCheckoutDir(id), { recursive: true, force: true });
}
