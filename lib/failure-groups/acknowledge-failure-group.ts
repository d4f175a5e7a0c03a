import "server-only";
import { eq } from "drizzle-orm";
import type { Principal } from "@/lib/auth/guard";
import { hasRole } from "@/lib/auth/roles";
import { getDb, type Db } from "@/lib/db/client";
import { failureGroupNotes, failureGroups, users } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import type { AcknowledgeBody } from "./failure-group-schemas";

/**
 * On-call acknowledges a failure group: a note of what they found and who
 * looks after it now (an operator or admin of kobuild: someone who can start
 * the build that fixes it). Notes are kept in order: the hand-off. The door
 * that calls it records it in the audit log.
 */
export function acknowledgeFailureGroup(groupId: number, body: AcknowledgeBody, by: Principal, db: Db = getDb()) {
  if (!hasRole(by.role, "operator")) throw new DomainError("forbidden", `${by.name} may not acknowledge failure groups; this needs the operator role`);
  const group = db.select({ id: failureGroups.id }).from(failureGroups).where(eq(failureGroups.id, groupId)).get();
  if (!group) throw new DomainError("not_found", `no failure group with id ${groupId}`);
  const ownerName = body.owner ?? by.name;
  const owner = db.select({ name: users.name, role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.name, ownerName)).get();
  if (!owner || owner.disabledAt) throw new DomainError("bad_request", `owner: no active kobuild user is called ${ownerName}`);
  if (!hasRole(owner.role, "operator")) throw new DomainError("bad_request", `owner: ${ownerName} is a viewer; the owner must be an operator or admin`);
  const note = db.insert(failureGroupNotes).values({ groupId, author: by.name, owner: owner.name, note: body.note }).returning().get();
  return { id: note.id, groupId, by: note.author, owner: note.owner, note: note.note, at: note.at };
}
