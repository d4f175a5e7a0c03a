import "server-only";
import { eq, or } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { workspaces } from "@/lib/db/schema";
import { ApiError } from "@/lib/http/api-error";

/** Throws conflict when the name, or the checkout or remote, is already a workspace's. */
export function checkWorkspaceFree(db: Db, name: string, source: { path: string } | { url: string }) {
  const [column, value, what] = "path" in source ? [workspaces.path, source.path, `the checkout ${source.path}`] : [workspaces.url, source.url, `the remote ${source.url}`];
  const taken = db
    .select({ name: workspaces.name })
    .from(workspaces)
    .where(or(eq(workspaces.name, name), eq(column, value)))
    .all();
  const clash = taken.find((w) => w.name === name) ?? taken[0];
  if (!clash) return;
  throw new ApiError("conflict", clash.name === name ? `a workspace named ${JSON.stringify(name)} already exists` : `${what} is already the workspace ${JSON.stringify(clash.name)}`);
}
