"use server";

import { redirect } from "next/navigation";
import { createCollectorImage, createMerge, createSquash } from "@/lib/images/create-image-operation";
import { collectorBodySchema, mergeBodySchema, squashBodySchema } from "@/lib/images/operation-schemas";
import { recordAudit } from "@/lib/auth/audit";
import { requireAction } from "@/lib/auth/page-guard";
import { actionError } from "@/lib/http/action-error";
import { pushBodySchema } from "@/lib/registries/registry-schemas";
import { pushToRegistry } from "@/lib/driver-images/transfer-driver-image";

/** Starts a merge from the Images page; the same validation and domain call as POST /api/images/merge. */
export async function startMergeAction(input: unknown): Promise<{ error: string }> {
  let id: number;
  try {
    const principal = await requireAction("operator");
    id = (await createMerge(mergeBodySchema.parse(input), { startedBy: principal.name })).id;
    recordAudit({ actor: principal.name, action: "start merge", target: `build ${id}` });
  } catch (error) {
    return actionError(error);
  }
  redirect(`/builds/${id}`);
}

/** Starts a squash from the Images page; the same as POST /api/images/squash. */
export async function startSquashAction(input: unknown): Promise<{ error: string }> {
  let id: number;
  try {
    const principal = await requireAction("operator");
    id = (await createSquash(squashBodySchema.parse(input), { startedBy: principal.name })).id;
    recordAudit({ actor: principal.name, action: "start squash", target: `build ${id}` });
  } catch (error) {
    return actionError(error);
  }
  redirect(`/builds/${id}`);
}

/** Starts a full collector image from the Images page; the same as POST /api/images/collector. */
export async function startCollectorAction(input: unknown): Promise<{ error: string }> {
  let id: number;
  try {
    const principal = await requireAction("operator");
    id = (await createCollectorImage(collectorBodySchema.parse(input), { startedBy: principal.name })).id;
    recordAudit({ actor: principal.name, action: "start collector image", target: `build ${id}` });
  } catch (error) {
    return actionError(error);
  }
  redirect(`/builds/${id}`);
}

/** Pushes an image kobuild has read to a registry; the same as POST /api/images/:id/push. */
export async function pushImageAction(imageId: number, input: unknown): Promise<{ error: string } | { ref: string; digest: string | null }> {
  try {
    const principal = await requireAction("operator");
    const body = pushBodySchema.parse(input);
    const result = await pushToRegistry(imageId, body);
    recordAudit({ actor: principal.name, action: "push image", target: result.ref });
    return { ref: result.ref, digest: result.digest ?? null };
  } catch (error) {
    return actionError(error);
  }
}
