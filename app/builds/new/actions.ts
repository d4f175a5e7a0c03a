"use server";

import { redirect } from "next/navigation";
import { createBuildBodySchema } from "@/lib/builds/build-schemas";
import { createBuild } from "@/lib/builds/create-build";
import { recordAudit } from "@/lib/auth/audit";
import { requireAction } from "@/lib/auth/page-guard";
import { actionError } from "@/lib/http/action-error";

/** Starts a build from the form; the same validation and domain call as POST /api/builds. */
export async function startBuildAction(input: unknown): Promise<{ error: string; field?: string }> {
  let id: number;
  try {
    const principal = await requireAction("operator");
    id = (await createBuild(createBuildBodySchema.parse(input), { startedBy: principal.name })).id;
    recordAudit({ actor: principal.name, action: "start build", target: `build ${id}` });
  } catch (error) {
    return actionError(error);
  }
  redirect(`/builds/${id}`);
}
