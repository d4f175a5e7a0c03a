import "server-only";
import { eq, isNull } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { retentionPolicies, workspaces } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import { KEEP_EVERYTHING, retentionPolicySchema, workspaceRetentionSchema, type RetentionPolicy, type SetRetentionBody, type WorkspaceRetention } from "./retention-schemas";

export type RetentionSettings = {
  default: RetentionPolicy;
  workspaces: { workspaceId: number; name: string; override: WorkspaceRetention | null }[];
  updatedAt: string | null;
  updatedBy: string | null;
};

/** The default policy and every workspace with its override (null: the default applies). */
export function getRetentionSettings(db: Db = getDb()): RetentionSettings {
  const rows = db.select().from(retentionPolicies).all();
  const byWorkspace = new Map(rows.filter((r) => r.workspaceId !== null).map((r) => [r.workspaceId!, r]));
  const base = rows.find((r) => r.workspaceId === null);
  const spaces = db.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).orderBy(workspaces.name).all();
  // Stored rows were checked on the way in; a row that no longer fits (an older shape) counts as no limit rather than failing the page.
  const parsedBase = base ? retentionPolicySchema.safeParse(base.policy) : null;
  const latest = rows.reduce<(typeof rows)[number] | null>((a, r) => (!a || r.updatedAt > a.updatedAt ? r : a), null);
  return {
    default: parsedBase?.success ? parsedBase.data : KEEP_EVERYTHING,
    workspaces: spaces.map((w) => {
      const row = byWorkspace.get(w.id);
      const parsed = row ? workspaceRetentionSchema.safeParse(row.policy) : null;
      return { workspaceId: w.id, name: w.name, override: parsed?.success ? parsed.data : null };
    }),
    updatedAt: latest ? latest.updatedAt.toISOString() : null,
    updatedBy: latest?.updatedBy ?? null,
  };
}

/** Sets the default policy or a workspace's override; returns what the audit log says was changed. */
export function setRetention(body: SetRetentionBody, actor: string, db: Db = getDb()): string {
  const now = new Date();
  const base = body.default;
  if (base) {
    db.transaction((tx) => {
      tx.delete(retentionPolicies).where(isNull(retentionPolicies.workspaceId)).run();
      tx.insert(retentionPolicies).values({ workspaceId: null, policy: base, updatedAt: now, updatedBy: actor }).run();
    });
    return `default: ${JSON.stringify(base)}`;
  }
  const workspaceId = body.workspaceId!;
  const workspace = db.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).where(eq(workspaces.id, workspaceId)).get();
  if (!workspace) throw new DomainError("not_found", `no workspace with id ${workspaceId}`);
  db.transaction((tx) => {
    tx.delete(retentionPolicies).where(eq(retentionPolicies.workspaceId, workspace.id)).run();
    if (body.override) tx.insert(retentionPolicies).values({ workspaceId: workspace.id, policy: body.override, updatedAt: now, updatedBy: actor }).run();
  });
  return `workspace ${workspace.name}: ${body.override ? JSON.stringify(body.override) : "the default"}`;
}
