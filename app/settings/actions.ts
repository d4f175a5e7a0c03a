"use server";

import { revalidatePath } from "next/cache";
import { createApiTokenFor, revokeApiToken } from "@/lib/auth/api-tokens";
import { recordAudit } from "@/lib/auth/audit";
import { changePasswordSchema, createTokenBodySchema, createUserBodySchema } from "@/lib/auth/auth-schemas";
import { requireAction } from "@/lib/auth/page-guard";
import type { Principal } from "@/lib/auth/guard";
import { changePassword, createUser, disableUser } from "@/lib/auth/users";
import { addEngineBodySchema, engineIdParamsSchema, updateEngineBodySchema } from "@/lib/engines/engine-schemas";
import { addEngine, removeEngine, updateEngine } from "@/lib/engines/manage-engines";
import { actionError } from "@/lib/http/action-error";
import { httpStatusOf } from "@/lib/http/api-error";
import { DomainError } from "@/lib/domain-error";
import type { PrunePlan } from "@/lib/retention/plan-prune";
import { pruneRecords } from "@/lib/retention/prune-records";
import { setRetentionBodySchema } from "@/lib/retention/retention-schemas";
import { setRetention } from "@/lib/retention/retention-store";
import { createRegistryBodySchema } from "@/lib/registries/registry-schemas";
import { addRegistry, deleteRegistry } from "@/lib/registries/registry-store";
import { removeWorkspace, updateWorkspace } from "@/lib/workspace/change-workspace";
import { fetchWorkspace } from "@/lib/workspace/fetch-workspace";
import { getWorkspace } from "@/lib/workspace/get-workspace";
import { registerWorkspace } from "@/lib/workspace/register-workspace";
import { registerWorkspaceBodySchema, updateWorkspaceBodySchema, workspaceIdParamsSchema } from "@/lib/workspace/workspace-schemas";


type Done = { error: string } | { ok: true };

/**
 * A change an admin makes on Settings: the signed-in user must be an admin,
 * the change says what the audit log records, a refusal comes back in the
 * words the HTTP API would use, and the page is rendered again.
 */
async function adminChange(change: (admin: Principal) => Promise<{ action: string; target: string }> | { action: string; target: string }): Promise<Done> {
  try {
    const admin = await requireAction("admin");
    recordAudit({ actor: admin.name, ...(await change(admin)) });
  } catch (error) {
    return actionError(error);
  }
  revalidatePath("/settings");
  return { ok: true };
}

/** Adds a registry once the engine has logged in with its credentials; the same as POST /api/registries. */
export async function addRegistryAction(input: unknown): Promise<Done> {
  return adminChange(async () => {
    const body = createRegistryBodySchema.parse(input);
    await addRegistry(body);
    return { action: "add registry", target: body.url };
  });
}

/** Forgets a registry and its sealed password; the same as DELETE /api/registries/:id. */
export async function removeRegistryAction(id: number): Promise<Done> {
  return adminChange(() => {
    deleteRegistry(id);
    return { action: "remove registry", target: String(id) };
  });
}

/** Adds an engine once it answers; the same as POST /api/engines. */
export async function addEngineAction(input: unknown): Promise<Done> {
  return adminChange(async () => {
    const engine = await addEngine(addEngineBodySchema.parse(input));
    return { action: "add engine", target: `${engine.name} (${engine.url})` };
  });
}

/** Renames an engine or changes its builds at once; the same as PATCH /api/engines/:id. */
export async function updateEngineAction(id: string, input: unknown): Promise<Done> {
  return adminChange(async () => {
    const { id: engineId } = engineIdParamsSchema.parse({ id });
    const body = updateEngineBodySchema.parse(input);
    const engine = await updateEngine(engineId, body);
    return { action: "change engine", target: `${engine.name}: ${JSON.stringify(body)}` };
  });
}

/** Removes an engine that runs and queues nothing; the same as DELETE /api/engines/:id. */
export async function removeEngineAction(id: string): Promise<Done> {
  return adminChange(() => {
    const engine = removeEngine(engineIdParamsSchema.parse({ id }).id);
    return { action: "remove engine", target: `${engine.name} (${engine.url})` };
  });
}

/** Registers a checkout or clones a remote; the same as POST /api/workspaces. */
export async function addWorkspaceAction(input: unknown): Promise<Done> {
  return adminChange(async () => {
    const workspace = await registerWorkspace(registerWorkspaceBodySchema.parse(input));
    return { action: "add workspace", target: `${workspace.name} (${workspace.url ?? workspace.path})` };
  });
}

/** Changes a workspace's Dockerfile or network; the same as PATCH /api/workspaces/:id. */
export async function updateWorkspaceAction(id: number, input: unknown): Promise<Done> {
  return adminChange(async () => {
    const body = updateWorkspaceBodySchema.parse(input);
    const workspace = await updateWorkspace(workspaceIdParamsSchema.parse({ id: String(id) }).id, body);
    return { action: "change workspace", target: `${workspace.name}: ${JSON.stringify(body)}` };
  });
}

/** Removes a workspace with nothing queued or running; the same as DELETE /api/workspaces/:id. */
export async function removeWorkspaceAction(id: number): Promise<Done> {
  return adminChange(async () => {
    const workspace = await removeWorkspace(workspaceIdParamsSchema.parse({ id: String(id) }).id);
    return { action: "remove workspace", target: `${workspace.name} (${workspace.url ?? workspace.path})` };
  });
}

/** Fetches a remote workspace now (operators may); the same as POST /api/workspaces/:id/fetch. */
export async function fetchWorkspaceAction(id: number): Promise<Done> {
  let operator: Principal;
  try {
    operator = await requireAction("operator");
  } catch (error) {
    return actionError(error);
  }
  let done: Done = { ok: true };
  let status = 200;
  try {
    await fetchWorkspace(getWorkspace(workspaceIdParamsSchema.parse({ id: String(id) }).id));
  } catch (error) {
    done = actionError(error);
    status = error instanceof DomainError ? httpStatusOf(error.code) : 400;
  }
  recordAudit({ actor: operator.name, action: "fetch workspace", target: String(id), status });
  revalidatePath("/settings");
  return done;
}

/** Adds a user with a role; the same as POST /api/users. */
export async function addUserAction(input: unknown): Promise<Done> {
  return adminChange(async () => {
    const body = createUserBodySchema.parse(input);
    await createUser(body);
    return { action: "add user", target: `${body.name} (${body.role})` };
  });
}

/** A new API token, shown in this answer only; the same as POST /api/tokens. */
export async function createTokenAction(input: unknown): Promise<{ error: string } | { token: string; name: string }> {
  try {
    const admin = await requireAction("admin");
    const body = createTokenBodySchema.parse(input);
    const created = createApiTokenFor(admin, body);
    recordAudit({ actor: admin.name, action: "create API token", target: `${body.name} for ${body.user ?? admin.name}` });
    revalidatePath("/settings");
    return { token: created.token, name: created.name };
  } catch (error) {
    return actionError(error);
  }
}

export async function revokeTokenAction(id: number): Promise<Done> {
  return adminChange(() => {
    revokeApiToken(id);
    return { action: "revoke API token", target: String(id) };
  });
}

/** Disables a user; the same as DELETE /api/users/:id. */
export async function disableUserAction(id: number): Promise<Done> {
  return adminChange((admin) => {
    if (admin.userId === id) throw new DomainError("conflict", "you cannot disable yourself");
    return { action: "disable user", target: disableUser(id).name };
  });
}

/** Changes the signed-in user's own password. */
export async function changePasswordAction(input: unknown): Promise<Done> {
  try {
    const me = await requireAction("viewer");
    const body = changePasswordSchema.parse(input);
    // Every other session of the user ends; this browser stays signed in.
    await changePassword(me.userId, body.current, body.next, { keepSession: me.via === "session" ? me.credential : undefined });
    recordAudit({ actor: me.name, action: "change password" });
  } catch (error) {
    return actionError(error);
  }
  return { ok: true };
}

/** Sets the default retention policy or a workspace's override; the same as PUT /api/retention. */
export async function setRetentionAction(input: unknown): Promise<Done> {
  return adminChange((admin) => ({ action: "set retention", target: setRetention(setRetentionBodySchema.parse(input), admin.name) }));
}

/** Lists what the retention policy removes now, or removes it; the same as POST /api/retention/prune (?dryRun=1). */
export async function pruneRetentionAction(dryRun: boolean): Promise<{ error: string } | { plan: PrunePlan }> {
  try {
    const admin = await requireAction("admin");
    // The prune writes its own audit row, with what it removed.
    const plan = pruneRecords({ dryRun: dryRun !== false, actor: admin.name });
    if (dryRun === false) revalidatePath("/settings");
    return { plan };
  } catch (error) {
    return actionError(error);
  }
}
