import "server-only";
import { eq } from "drizzle-orm";
import { type Db, getDb } from "@/lib/db/client";
import { workspaces } from "@/lib/db/schema";
import { ApiError } from "@/lib/http/api-error";
import type { Workspace } from "./register-workspace";

export function getWorkspace(id: number, db: Db = getDb()): Workspace {
  const row = db.select().from(workspaces).where(eq(workspaces.id, id)).get();
  if (!row) throw new ApiError("not_found", `no workspace with id ${id}`);
  return row;
}
