"use server";

import { revalidatePath } from "next/cache";
import { actionError } from "@/lib/http/action-error";
import { createRegistryBodySchema } from "@/lib/registries/registry-schemas";
import { addRegistry, deleteRegistry } from "@/lib/registries/registry-store";

/** Adds a registry once the engine has logged in with its credentials; the same as POST /api/registries. */
export async function addRegistryAction(input: unknown): Promise<{ error: string } | { ok: true }> {
  try {
    await addRegistry(createRegistryBodySchema.parse(input));
  } catch (error) {
    return actionError(error);
  }
  revalidatePath("/settings");
  return { ok: true };
}

/** Forgets a registry and its sealed password; the same as DELETE /api/registries/:id. */
export async function removeRegistryAction(id: number): Promise<{ error: string } | { ok: true }> {
  try {
    deleteRegistry(id);
  } catch (error) {
    return actionError(error);
  }
  revalidatePath("/settings");
  return { ok: true };
}
