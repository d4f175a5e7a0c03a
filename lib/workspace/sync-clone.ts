import "server-only";
import { ApiError } from "@/lib/http/api-error";
import { git } from "./git";
import { remoteDeadline, runRemoteGit } from "./git-remote";

/** The clone's refspecs: its branches and tags are the remote's, exactly (forced, and pruned when the remote drops one). */
const MIRRORED = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];

/** Makes an empty clone of `url` in `dir` (no network yet): `syncClone` fills it. */
export async function initClone(dir: string, url: string) {
  await git("/", ["init", "-q", "--", dir]);
  await git(dir, ["remote", "add", "origin", url]);
  await git(dir, ["config", "--unset-all", "remote.origin.fetch"]);
  for (const spec of MIRRORED) await git(dir, ["config", "--add", "remote.origin.fetch", spec]);
}

/**
 * Brings a clone in step with its remote, within KOBUILD_GIT_TIMEOUT_SECONDS:
 * local branches and tags become exactly the remote's (a branch deleted there
 * is gone here), HEAD names the remote's default branch and the working tree
 * is that branch, clean. Returns the default branch.
 */
export async function syncClone(dir: string, url: string, signal?: AbortSignal): Promise<{ defaultBranch: string }> {
  const deadline = remoteDeadline();
  const head = await runRemoteGit(dir, ["ls-remote", "--symref", "origin", "HEAD"], { url, deadline, signal });
  // A fetch may move the branch HEAD is on: --update-head-ok, and the working tree is reset below.
  await runRemoteGit(dir, ["fetch", "--quiet", "--prune", "--update-head-ok", "--no-write-fetch-head", "origin"], { url, deadline, signal });
  const branches = (await git(dir, ["for-each-ref", "--format=%(refname:strip=2)", "refs/heads"])).split("\n").filter(Boolean);
  if (branches.length === 0) throw new ApiError("unprocessable", `${url} has no branch`);
  const named = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(head)?.[1];
  // A server that does not say where its HEAD is (an old one, or a dumb transport): main, master, or the first branch.
  const defaultBranch = named && branches.includes(named) ? named : (["main", "master"].find((b) => branches.includes(b)) ?? branches[0]!);
  await git(dir, ["symbolic-ref", "HEAD", `refs/heads/${defaultBranch}`]);
  await git(dir, ["reset", "-q", "--hard"]);
  await git(dir, ["clean", "-ffdxq"]);
  return { defaultBranch };
}
