"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { recordAudit } from "@/lib/auth/audit";
import { requireAction } from "@/lib/auth/page-guard";
import { createRerun, rerunBodySchema } from "@/lib/builds/shards/create-rerun";
import { actionError } from "@/lib/http/action-error";

const sourceIdSchema = z.number().int().positive();

/** Re-runs what failed in a finished build; the same checks and domain call as POST /api/builds/:id/rerun. */
export async function startRerunAction(sourceId: unknown, input: unknown): Promise<{ error: string; field?: string }> {
  let id: number;
  try {
    const principal = await requireAction("operator");
    const source = sourceIdSchema.parse(sourceId);
    id = (await createRerun(source, rerunBodySchema.parse(input), { startedBy: principal.name })).id;
    recordAudit({ actor: principal.name, action: "re-run build", target: `build ${source} as build ${id}` });
  } catch (error) {
    return actionError(error);
  }
  redirect(`/builds/${id}`);
}
