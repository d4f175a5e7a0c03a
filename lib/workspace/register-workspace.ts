import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { type Db, getDb } from "@/lib/db/client";
import { workspaces } from "@/lib/db/schema";
import { ApiError } from "@/lib/http/api-error";
import { git, GitError } from "./git";
import { checkDockerfile, DEFAULT_DOCKERFILE } from "./check-dockerfile";
import { checkWorkspaceFree } from "./check-workspace-free";
import { registerRemoteWorkspace } from "./register-remote-workspace";

export type Workspace = typeof workspaces.$inferSelect;

export type WorkspaceNetwork = Workspace["network"];

export type RegisterWorkspaceInput = {
  name: string;
  /** Absolute path of the checkout's top level. */
  path?: string;
  /** A git remote kobuild clones and fetches instead (never both). */
  url?: string;
  /** The dockerized Dockerfile, relative to the checkout. */
  dockerfile?: string;
  network?: WorkspaceNetwork;
};

export const WORKSPACE_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
export { DEFAULT_DOCKERFILE };

const bad = (message: string) => new ApiError("bad_request", message);

/**
 * Records a driver repository as a workspace: a checkout on this machine
 * (`path`), or a git remote (`url`) that kobuild clones into its data
 * directory (register-remote-workspace.ts).
 */
export async function registerWorkspace(input: RegisterWorkspaceInput, db: Db = getDb()): Promise<Workspace> {
  checkWorkspaceName(input.name);
  if ((input.path === undefined) === (input.url === undefined)) throw bad("give either a path (a checkout on this machine) or a url (a git remote), not both");
  if (input.url !== undefined) return registerRemoteWorkspace({ ...input, url: input.url }, db);
  return registerPathWorkspace({ ...input, path: input.path! }, db);
}

export function checkWorkspaceName(name: string) {
  if (!WORKSPACE_NAME.test(name)) {
    throw bad(`invalid workspace name ${JSON.stringify(name)}: 1 to 63 of a-z 0-9 . _ -, starting with a letter or a digit`);
  }
}

/**
 * A checkout on this machine, after checking that it is one: an absolute path
 * to the top level of a git work tree holding the Dockerfile. The path is
 * stored resolved (symlinks followed), so one checkout cannot be registered
 * twice under two spellings.
 */
async function registerPathWorkspace(input: RegisterWorkspaceInput & { path: string }, db: Db): Promise<Workspace> {
  const { name } = input;
  const dockerfile = input.dockerfile ?? DEFAULT_DOCKERFILE;
  const root = await checkWorkTree(input.path);
  await checkDockerfile(root, dockerfile);

  checkWorkspaceFree(db, name, { path: root });
  try {
    return db.insert(workspaces).values({ name, kind: "path", path: root, dockerfile, network: input.network ?? "default" }).returning().get();
  } catch (error) {
    // Another registration may have won the race between the check and the insert.
    if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") {
      throw new ApiError("conflict", `a workspace named ${JSON.stringify(name)} or at ${root} already exists`);
    }
    throw error;
  }
}

/** The checkout's top level, symlinks resolved; throws bad_request saying what is wrong. */
async function checkWorkTree(given: string): Promise<string> {
  if (typeof given !== "string" || given === "") throw bad("the workspace path is empty");
  if (!path.isAbsolute(given)) throw bad(`the workspace path must be absolute: ${given}`);
  let root: string;
  try {
    root = await fs.realpath(given);
    if (!(await fs.stat(root)).isDirectory()) throw bad(`not a directory: ${given}`);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw bad(`no such directory: ${given}`);
  }
  let inside: string;
  let top: string;
  try {
    inside = (await git(root, ["rev-parse", "--is-inside-work-tree"])).trim();
    top = (await git(root, ["rev-parse", "--show-toplevel"])).trim();
  } catch (error) {
    if (error instanceof GitError) throw bad(`not a git work tree: ${given} (${error.stderr.split("\n")[0] || error.message})`);
    throw error;
  }
  if (inside !== "true") throw bad(`not a git work tree: ${given}`);
  const topReal = await fs.realpath(top);
  if (topReal !== root) throw bad(`${given} is inside the git work tree ${topReal}; register its top level`);
  return root;
}
