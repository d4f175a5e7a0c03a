"use server";

import { revalidatePath } from "next/cache";
import { createApiTokenFor, revokeApiToken } from "@/lib/auth/api-tokens";
import { changePasswordSchema, createTokenBodySchema, createUserBodySchema } from "@/lib/auth/auth-schemas";
import type { Principal } from "@/lib/auth/guard";
import { changePassword, createUser, disableUser } from "@/lib/auth/users";
import { addEngineBodySchema, engineIdParamsSchema, updateEngineBodySchema } from "@/lib/engines/engine-schemas";
import { addEngine, removeEngine, updateEngine } from "@/lib/engines/manage-engines";
import { serverAction } from "@/lib/http/server-action";
import type { PrunePlan } from "@/lib/retention/plan-prune";
import { pruneRecords } from "@/lib/retention/prune-records";
import { setRetentionBodySchema } from "@/lib/retention/retention-schemas";
import { setRetention } from "@/lib/retention/retention-store";
import { createRegistryBodySchema } from "@/lib/registries/registry-schemas";
import { addRegistry, deleteRegistry } from "@/lib/registries/registry-store";
import { createWebhookBodySchema, updateWebhookBodySchema } from "@/lib/webhooks/webhook-schemas";
import { createWebhook, pingWebhook, redeliver, removeWebhook, updateWebhook } from "@/lib/webhooks/webhook-store";
import { removeWorkspace, updateWorkspace } from "@/lib/workspace/change-workspace";
import { fetchWorkspace } from "@/lib/workspace/fetch-workspace";
import { getWorkspace } from "@/lib/workspace/get-workspace";
import { registerWorkspace } from "@/lib/workspace/register-workspace";
import { z } from "zod";
import { registerWorkspaceBodySchema, updateWorkspaceBodySchema, workspaceIdParamsSchema } from "@/lib/workspace/workspace-schemas";

/** A row's id as the browser sends it: a string or a fraction must not reach a rule such as "not yourself". */
const rowId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/**
 * A change made on Settings: `change` answers what the audit log records it
 * was done to; the browser learns only that it was done, and the page is
 * drawn again. Admins only, unless `role` says otherwise.
 */
function settingsChange<A extends unknown[]>(action: string, change: (principal: Principal, ...args: A) => Promise<string> | string, role: "admin" | "operator" = "admin") {
  return serverAction(
    { role, audit: { action, target: (target: string) => target }, revalidate: "/settings", reply: () => ({ ok: true as const }) },
    (principal: Principal, ...args: A) => change(principal, ...args),
  );
}

/** Adds a registry once the engine has logged in with its credentials; the same as POST /api/registries. */
export const addRegistryAction = settingsChange("add registry", async (_admin, input: unknown) => {
  const body = createRegistryBodySchema.parse(input);
  await addRegistry(body);
  return body.url;
});

/** Forgets a registry and its sealed password; the same as DELETE /api/registries/:id. */
export const removeRegistryAction = settingsChange("remove registry", (_admin, id: number) => {
  deleteRegistry(rowId.parse(id));
  return String(id);
});

/** A hook as the audit log names it: its id and the URL's origin (a path or query may carry a token). */
const hookTarget = (hook: { id: number; url: string }) => `webhook ${hook.id} (${new URL(hook.url).origin})`;

/** Adds a webhook, its secret sealed; the same as POST /api/webhooks. */
export const addWebhookAction = settingsChange("add webhook", async (admin, input: unknown) => hookTarget(await createWebhook(createWebhookBodySchema.parse(input), admin.name)));

/** Changes a webhook or rotates its secret; the same as PATCH /api/webhooks/:id. */
export const updateWebhookAction = settingsChange("change webhook", async (_admin, id: number, input: unknown) => {
  const body = updateWebhookBodySchema.parse(input);
  const hook = await updateWebhook(rowId.parse(id), body);
  return `${hookTarget(hook)}${body.secret ? ", secret rotated" : ""}`;
});

/** Removes a webhook and its deliveries; the same as DELETE /api/webhooks/:id. */
export const removeWebhookAction = settingsChange("remove webhook", (_admin, id: number) => hookTarget(removeWebhook(rowId.parse(id))));

/** Sends a webhook a ping; the same as POST /api/webhooks/:id/ping. */
export const pingWebhookAction = settingsChange("ping webhook", (admin, id: number) => `webhook ${id}, delivery ${pingWebhook(rowId.parse(id), admin.name).id}`);

/** "Send again": a new delivery of an earlier one's body; the same as POST /api/webhooks/:id/deliveries/:deliveryId/redeliver. */
export const redeliverWebhookAction = settingsChange("send webhook delivery again", (_admin, id: number, deliveryId: number) => {
  const delivery = redeliver(rowId.parse(id), rowId.parse(deliveryId));
  return `webhook ${id}, delivery ${deliveryId} as ${delivery.id}`;
});

/** Adds an engine once it answers; the same as POST /api/engines. */
export const addEngineAction = settingsChange("add engine", async (_admin, input: unknown) => {
  const engine = await addEngine(addEngineBodySchema.parse(input));
  return `${engine.name} (${engine.url})`;
});

/** Renames an engine or changes its builds at once; the same as PATCH /api/engines/:id. */
export const updateEngineAction = settingsChange("change engine", async (_admin, id: string, input: unknown) => {
  const { id: engineId } = engineIdParamsSchema.parse({ id });
  const body = updateEngineBodySchema.parse(input);
  const engine = await updateEngine(engineId, body);
  return `${engine.name}: ${JSON.stringify(body)}`;
});

/** Removes an engine that runs and queues nothing; the same as DELETE /api/engines/:id. */
export const removeEngineAction = settingsChange("remove engine", (_admin, id: string) => {
  const engine = removeEngine(engineIdParamsSchema.parse({ id }).id);
  return `${engine.name} (${engine.url})`;
});

/** Registers a checkout or clones a remote; the same as POST /api/workspaces. */
export const addWorkspaceAction = settingsChange("add workspace", async (_admin, input: unknown) => {
  const workspace = await registerWorkspace(registerWorkspaceBodySchema.parse(input));
  return `${workspace.name} (${workspace.url ?? workspace.path})`;
});

/** Changes a workspace's Dockerfile or network; the same as PATCH /api/workspaces/:id. */
export const updateWorkspaceAction = settingsChange("change workspace", async (_admin, id: number, input: unknown) => {
  const body = updateWorkspaceBodySchema.parse(input);
  const workspace = await updateWorkspace(workspaceIdParamsSchema.parse({ id: String(id) }).id, body);
  return `${workspace.name}: ${JSON.stringify(body)}`;
});

/** Removes a workspace with nothing queued or running; the same as DELETE /api/workspaces/:id. */
export const removeWorkspaceAction = settingsChange("remove workspace", async (_admin, id: number) => {
  const workspace = await removeWorkspace(workspaceIdParamsSchema.parse({ id: String(id) }).id);
  return `${workspace.name} (${workspace.url ?? workspace.path})`;
});

/** Fetches a remote workspace now (operators may); the same as POST /api/workspaces/:id/fetch. */
export const fetchWorkspaceAction = settingsChange(
  "fetch workspace",
  async (_operator, id: number) => {
    const workspace = await fetchWorkspace(getWorkspace(workspaceIdParamsSchema.parse({ id: String(id) }).id));
    return workspace.name;
  },
  "operator",
);

/** Adds a user with a role; the same as POST /api/users. */
export const addUserAction = settingsChange("add user", async (_admin, input: unknown) => {
  const body = createUserBodySchema.parse(input);
  await createUser(body);
  return `${body.name} (${body.role})`;
});

/** A new API token, shown in this answer only; the same as POST /api/tokens. */
export const createTokenAction = serverAction(
  { role: "admin", audit: { action: "create API token", target: (created) => created.target }, revalidate: "/settings", reply: (created) => ({ token: created.token, name: created.name }) },
  (admin: Principal, input: unknown) => {
    const body = createTokenBodySchema.parse(input);
    const created = createApiTokenFor(admin, body);
    return { token: created.token, name: created.name, target: `${body.name} for ${body.user ?? admin.name}` };
  },
);

export const revokeTokenAction = settingsChange("revoke API token", (_admin, id: number) => {
  revokeApiToken(rowId.parse(id));
  return String(id);
});

/** Disables a user; the same as DELETE /api/users/:id (nobody disables themselves). */
export const disableUserAction = settingsChange("disable user", (admin, id: number) => disableUser(rowId.parse(id), { by: admin }).name);

/** Changes the signed-in user's own password. Every other session of the user ends; this browser stays signed in. */
export const changePasswordAction = serverAction({ role: "viewer", audit: { action: "change password" }, reply: () => ({ ok: true as const }) }, async (me: Principal, input: unknown) => {
  const body = changePasswordSchema.parse(input);
  await changePassword(me.userId, body.current, body.next, { keepSession: me.via === "session" ? me.credential : undefined });
});

/** Sets the default retention policy or a workspace's override; the same as PUT /api/retention. */
export const setRetentionAction = settingsChange("set retention", (admin, input: unknown) => setRetention(setRetentionBodySchema.parse(input), admin.name));

/**
 * Lists what the retention policy removes now, or removes it; the same as POST /api/retention/prune (?dryRun=1).
 * The prune writes its own audit row, with what it removed; a dry run changes nothing.
 */
export const pruneRetentionAction = serverAction({ role: "admin", audit: false }, (admin: Principal, dryRun: boolean) => {
  const plan: PrunePlan = pruneRecords({ dryRun: dryRun !== false, actor: admin.name });
  if (dryRun === false) revalidatePath("/settings");
  return { plan };
});
