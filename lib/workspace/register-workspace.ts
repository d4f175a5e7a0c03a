import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { eq, or } from "drizzle-orm";
import { type Db, getDb } from "@/lib/db/client";
import { workspaces } from "@/lib/db/schema";
import { ApiError } from "@/lib/http/api-error";
import type { BuildNetwork } from "@/lib/vocabulary";
import { git, GitError } from "./git";

export type Workspace = typeof workspaces.$inferSelect;

export type RegisterWorkspaceInput = {
  name: string;
  /** Absolute path of the checkout's top level. */
  path: string;
  /** The dockerized Dockerfile, relative to the checkout. */
  dockerfile?: string;
  /** The network of its builds; the engine's default unless given. */
  network?: BuildNetwork;
};

export const WORKSPACE_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
export const DEFAULT_DOCKERFILE = "kernel-modules/dockerized/Dockerfile";

const bad = (message: string) => new ApiError("bad_request", message);

/**
 * Records a driver repository checkout as a workspace after checking that it
 * is one: an absolute path to the top level of a git work tree holding the
 * Dockerfile. The path is stored resolved (symlinks followed), so one checkout
 * cannot be registered twice under two spellings.
 */
export async function registerWorkspace(input: RegisterWorkspaceInput, db: Db = getDb()): Promise<Workspace> {
  const { name } = input;
  const dockerfile = input.dockerfile ?? DEFAULT_DOCKERFILE;
  if (!WORKSPACE_NAME.test(name)) {
    throw bad(`invalid workspace name ${JSON.stringify(name)}: 1 to 63 of a-z 0-9 . _ -, starting with a letter or a digit`);
  }
  const root = await checkWorkTree(input.path);
  await checkDockerfile(root, dockerfile);

  const taken = db
    .select()
    .from(workspaces)
    .where(or(eq(workspaces.name, name), eq(workspaces.path, root)))
    .all();
  const clash = taken.find((w) => w.name === name) ?? taken[0];
  if (clash) throw conflict(clash, name, root);
  try {
    return db.insert(workspaces).values({ name, path: root, dockerfile, network: input.network ?? "default" }).returning().get();
  } catch (error) {
    // Another registration may have won the race between the check and the insert.
    if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") {
      throw new ApiError("conflict", `a workspace named ${JSON.stringify(name)} or at ${root} already exists`);
    }
    throw error;
  }
}

function conflict(existing: Workspace, name: string, root: string): ApiError {
  return existing.name === name
    ? new ApiError("conflict", `a workspace named ${JSON.stringify(name)} already exists`)
    : new ApiError("conflict", `the checkout ${root} is already the workspace ${JSON.stringify(existing.name)}`);
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

async function checkDockerfile(root: string, dockerfile: string) {
  if (typeof dockerfile !== "string" || dockerfile === "") throw bad("the Dockerfile path is empty");
  if (path.isAbsolute(dockerfile) || dockerfile.includes("\\")) {
    throw bad(`the Dockerfile path must be relative to the checkout, with '/' separators: ${dockerfile}`);
  }
  if (dockerfile.split("/").includes("..")) throw bad(`the Dockerfile path must not contain '..': ${dockerfile}`);
  let real: string;
  try {
    real = await fs.realpath(path.join(root, dockerfile));
    if (!(await fs.stat(real)).isFile()) throw bad(`the Dockerfile ${dockerfile} is not a file`);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw bad(`no Dockerfile at ${dockerfile} in ${root}`);
  }
  // A symlink must not lead the build outside the checkout.
  if (!real.startsWith(root + path.sep)) throw bad(`the Dockerfile ${dockerfile} resolves outside the checkout`);
}
