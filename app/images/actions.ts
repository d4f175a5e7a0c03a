"use server";

import { redirect } from "next/navigation";
import { createMerge, createSquash } from "@/lib/images/create-image-operation";
import { mergeBodySchema, squashBodySchema } from "@/lib/images/operation-schemas";
import { actionError } from "@/lib/http/action-error";

/** Starts a merge from the Images page; the same validation and domain call as POST /api/images/merge. */
export async function startMergeAction(input: unknown): Promise<{ error: string }> {
  let id: number;
  try {
    id = (await createMerge(mergeBodySchema.parse(input))).id;
  } catch (error) {
    return actionError(error);
  }
  redirect(`/builds/${id}`);
}

/** Starts a squash from the Images page; the same as POST /api/images/squash. */
export async function startSquashAction(input: unknown): Promise<{ error: string }> {
  let id: number;
  try {
    id = (await createSquash(squashBodySchema.parse(input))).id;
  } catch (error) {
    return actionError(error);
  }
  redirect(`/builds/${id}`);
}
