import "server-only";
import { eq } from "drizzle-orm";
import { type Db, getDb } from "@/lib/db/client";
import { workspaces } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import type { Workspace } from "./workspace-types";

export function getWorkspace(id: number, db: Db = getDb()): Workspace {
  const row = db.select().from(workspaces).where(eq(workspaces.id, id)).get();
  if (!row) throw new DomainError("not_found", `no workspace with id ${id}`);
  return row;
}
