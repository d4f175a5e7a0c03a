"use server";

import { redirect } from "next/navigation";
import { createBuildBodySchema } from "@/lib/builds/build-schemas";
import { createBuild } from "@/lib/builds/create-build";
import { actionError } from "@/lib/http/action-error";

/** Starts a build from the form; the same validation and domain call as POST /api/builds. */
export async function startBuildAction(input: unknown): Promise<{ error: string; field?: string }> {
  let id: number;
  try {
    id = (await createBuild(createBuildBodySchema.parse(input))).id;
  } catch (error) {
    return actionError(error);
  }
  redirect(`/builds/${id}`);
}
