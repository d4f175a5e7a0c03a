import "server-only";
import { z } from "zod";
import { DomainError } from "@/lib/domain-error";
import { log } from "@/lib/log/logger";

export type ActionRefusal = { error: string; field?: string };

/** What a server action tells the form when it refuses: the same words the HTTP API would answer. */
export function actionError(error: unknown): ActionRefusal {
  if (error instanceof DomainError) return { error: error.message };
  if (error instanceof z.ZodError) {
    const issue = error.issues[0];
    const field = issue?.path.join(".") || undefined;
    return { error: `${field ? `${field}: ` : ""}${issue?.message ?? "invalid input"}`, field };
  }
  // Unknown errors may carry paths or secrets: logged here, never shown.
  log().error({ err: error }, "unexpected error");
  return { error: "internal error" };
}
