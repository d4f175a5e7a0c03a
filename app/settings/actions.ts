"use server";

import { revalidatePath } from "next/cache";
import { createApiTokenFor, revokeApiToken } from "@/lib/auth/api-tokens";
import { recordAudit } from "@/lib/auth/audit";
import { changePasswordSchema, createTokenBodySchema, createUserBodySchema } from "@/lib/auth/auth-schemas";
import { requireAction } from "@/lib/auth/page-guard";
import { changePassword, createUser, disableUser } from "@/lib/auth/users";
import { addEngineBodySchema, engineIdParamsSchema, updateEngineBodySchema } from "@/lib/engines/engine-schemas";
import { addEngine, removeEngine, updateEngine } from "@/lib/engines/manage-engines";
import { actionError } from "@/lib/http/action-error";
import { createRegistryBodySchema } from "@/lib/registries/registry-schemas";
import { addRegistry, deleteRegistry } from "@/lib/registries/registry-store";

/** Adds a registry once the engine has logged in with its credentials; the same as POST /api/registries. */
export async function addRegistryAction(input: unknown): Promise<{ error: string } | { ok: true }> {
  try {
    const admin = await requireAction("admin");
    const body = createRegistryBodySchema.parse(input);
    await addRegistry(body);
    recordAudit({ actor: admin.name, action: "add registry", target: body.url });
  } catch (error) {
    return actionError(error);
  }
  revalidatePath("/settings");
  return { ok: true };
}

/** Forgets a registry and its sealed password; the same as DELETE /api/registries/:id. */
export async function removeRegistryAction(id: number): Promise<{ error: string } | { ok: true }> {
  try {
    const admin = await requireAction("admin");
    deleteRegistry(id);
    recordAudit({ actor: admin.name, action: "remove registry", target: String(id) });
  } catch (error) {
    return actionError(error);
  }
  revalidatePath("/settings");
  return { ok: true };
}

/** Adds an engine once it answers; the same as POST /api/engines. */
export async function addEngineAction(input: unknown): Promise<{ error: string } | { ok: true }> {
  try {
    const admin = await requireAction("admin");
    const body = addEngineBodySchema.parse(input);
    const engine = await addEngine(body);
    recordAudit({ actor: admin.name, action: "add engine", target: `${engine.name} (${engine.url})` });
  } catch (error) {
    return actionError(error);
  }
  revalidatePath("/settings");
  return { ok: true };
}

/** Renames an engine or changes its builds at once; the same as PATCH /api/engines/:id. */
export async function updateEngineAction(id: string, input: unknown): Promise<{ error: string } | { ok: true }> {
  try {
    const admin = await requireAction("admin");
    const { id: engineId } = engineIdParamsSchema.parse({ id });
    const body = updateEngineBodySchema.parse(input);
    const engine = await updateEngine(engineId, body);
    recordAudit({ actor: admin.name, action: "change engine", target: `${engine.name}: ${JSON.stringify(body)}` });
  } catch (error) {
    return actionError(error);
  }
  revalidatePath("/settings");
  return { ok: true };
}

/** Removes an engine that runs and queues nothing; the same as DELETE /api/engines/:id. */
export async function removeEngineAction(id: string): Promise<{ error: string } | { ok: true }> {
  try {
    const admin = await requireAction("admin");
    const engine = removeEngine(engineIdParamsSchema.parse({ id }).id);
    recordAudit({ actor: admin.name, action: "remove engine", target: `${engine.name} (${engine.url})` });
  } catch (error) {
    return actionError(error);
  }
  revalidatePath("/settings");
  return { ok: true };
}

/** Adds a user with a role; the same as POST /api/users. */
export async function addUserAction(input: unknown): Promise<{ error: string } | { ok: true }> {
  try {
    const admin = await requireAction("admin");
    const body = createUserBodySchema.parse(input);
    await createUser(body);
    recordAudit({ actor: admin.name, action: "add user", target: `${body.name} (${body.role})` });
  } catch (error) {
    return actionError(error);
  }
  revalidatePath("/settings");
  return { ok: true };
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

export async function revokeTokenAction(id: number): Promise<{ error: string } | { ok: true }> {
  try {
    const admin = await requireAction("admin");
    revokeApiToken(id);
    recordAudit({ actor: admin.name, action: "revoke API token", target: String(id) });
  } catch (error) {
    return actionError(error);
  }
  revalidatePath("/settings");
  return { ok: true };
}

/** Disables a user; the same as DELETE /api/users/:id. */
export async function disableUserAction(id: number): Promise<{ error: string } | { ok: true }> {
  try {
    const admin = await requireAction("admin");
    if (admin.userId === id) return { error: "you cannot disable yourself" };
    const user = disableUser(id);
    recordAudit({ actor: admin.name, action: "disable user", target: user.name });
  } catch (error) {
    return actionError(error);
  }
  revalidatePath("/settings");
  return { ok: true };
}

/** Changes the signed-in user's own password. */
export async function changePasswordAction(input: unknown): Promise<{ error: string } | { ok: true }> {
  try {
    const me = await requireAction("viewer");
    const body = changePasswordSchema.parse(input);
    await changePassword(me.userId, body.current, body.next);
    recordAudit({ actor: me.name, action: "change password" });
  } catch (error) {
    return actionError(error);
  }
  return { ok: true };
}
