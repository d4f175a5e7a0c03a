import "server-only";
import { asc } from "drizzle-orm";
import { type Db, getDb } from "@/lib/db/client";
import { workspaces } from "@/lib/db/schema";
import type { Workspace } from "./workspace-types";

/** Every registered workspace, by name. */
export function listWorkspaces(db: Db = getDb()): Workspace[] {
  return db.select().from(workspaces).orderBy(asc(workspaces.name)).all();
}
