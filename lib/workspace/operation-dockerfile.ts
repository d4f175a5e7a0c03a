import "server-only";
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { workspaces } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";

export type OperationKind = "merge" | "squash" | "collector";

/**
 * kobuild's own copies follow the same contracts as a checkout's; used when no
 * workspace is named. The container image carries them (see Dockerfile).
 */
const OWN_DIR = path.join(process.cwd(), "sample", "collector", "kernel-modules", "dockerized");

/**
 * Where an operation's Dockerfile comes from: `Dockerfile.<kind>` beside the
 * named workspace's dockerized Dockerfile, or kobuild's own copy.
 */
export function operationDockerfile(db: Db, kind: OperationKind, workspaceId: number | null) {
  const file = `Dockerfile.${kind}`;
  if (workspaceId === null) return { path: path.join(OWN_DIR, file), source: `kobuild's ${file}` };
  const workspace = db.select().from(workspaces).where(eq(workspaces.id, workspaceId)).get();
  if (!workspace) throw new DomainError("not_found", `no workspace with id ${workspaceId}`);
  const relative = path.join(path.dirname(workspace.dockerfile), file);
  return { path: path.join(workspace.path, relative), source: `${relative} of workspace ${workspace.name}` };
}

export async function readOperationDockerfile(db: Db, kind: OperationKind, workspaceId: number | null) {
  const where = operationDockerfile(db, kind, workspaceId);
  try {
    // Mostly a checkout's file, read at run time: the server build must not trace
    // it, or it would ship the whole project with the server.
    return { ...where, text: await fs.promises.readFile(/* turbopackIgnore: true */ where.path, "utf8") };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new DomainError("not_found", `there is no ${where.source}`);
    throw error;
  }
}
