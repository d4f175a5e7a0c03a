import "server-only";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { recordAudit } from "@/lib/auth/audit";
import { checkRole, principalOf, type Principal } from "@/lib/auth/guard";
import type { Role } from "@/lib/auth/roles";
import { actionError, type ActionRefusal } from "./action-error";
import { httpStatusOf } from "./api-error";
import { DomainError } from "@/lib/domain-error";
import { inRequest, log, requestIdOf } from "@/lib/log/logger";

type ActionOptions<R> = {
  /** Who may call it; checked before any argument is read. */
  role: Role;
  /** What the audit log records of it, and on what (from its result); false for an action that changes nothing. */
  audit: false | { action: string; target?: (result: R) => string | null };
  /** The page drawn again after it succeeded. */
  revalidate?: string;
  /** Where the browser goes after it succeeded (the new build's page). */
  redirectTo?: (result: R) => string;
};

/**
 * Wraps a server action as route() wraps a route handler: the caller's role,
 * the handler (which parses its arguments with zod), an audit line for the
 * change or its refusal, a refusal in the words the HTTP API would answer,
 * and the page drawn again or the browser sent on.
 */
export function serverAction<A extends unknown[], R>(
  options: ActionOptions<NoInfer<R>> & { redirectTo: (result: NoInfer<R>) => string },
  handler: (principal: Principal, ...args: A) => Promise<R> | R,
): (...args: A) => Promise<ActionRefusal>;
export function serverAction<A extends unknown[], R, T = R>(
  options: ActionOptions<NoInfer<R>> & { /** What the browser gets of the result (by default all of it). */ reply?: (result: NoInfer<R>) => T },
  handler: (principal: Principal, ...args: A) => Promise<R> | R,
): (...args: A) => Promise<T | ActionRefusal>;
export function serverAction<A extends unknown[], R>(options: ActionOptions<R> & { reply?: (result: R) => unknown }, handler: (principal: Principal, ...args: A) => Promise<R> | R) {
  return async (...args: A): Promise<unknown> => {
    const requestId = requestIdOf(await headers());
    const started = performance.now();
    return inRequest(requestId, async () => {
      let outcome = "ok";
      try {
        const answer = await run(...args);
        if (answer && typeof answer === "object" && "error" in answer) outcome = "refused";
        return answer;
      } catch (error) {
        // redirect() throws to leave: that is the action succeeding.
        outcome = isRedirect(error) ? "ok" : "failed";
        throw error;
      } finally {
        log().info({ action: options.audit ? options.audit.action : "read", outcome, ms: Math.round(performance.now() - started) }, "server action");
      }
    });
  };

  async function run(...args: A): Promise<unknown> {
    let principal: Principal | null = null;
    let result: R;
    try {
      // Known before the role is checked, so that a refused change is recorded with who tried it.
      principal = principalOf(await headers());
      result = await handler(checkRole(principal, options.role), ...args);
    } catch (error) {
      // A refused change is recorded with who tried it, as the HTTP API records it.
      if (options.audit && principal) {
        const status = error instanceof DomainError ? httpStatusOf(error.code) : 400;
        recordAudit({ actor: principal.name, action: options.audit.action, status });
      }
      return actionError(error);
    }
    if (options.audit) recordAudit({ actor: principal!.name, action: options.audit.action, target: options.audit.target?.(result) ?? null, status: 200 });
    if (options.revalidate) revalidatePath(options.revalidate);
    if (options.redirectTo) redirect(options.redirectTo(result));
    return options.reply ? options.reply(result) : result;
  }
}

function isRedirect(error: unknown): boolean {
  return typeof (error as { digest?: unknown } | null)?.digest === "string" && (error as { digest: string }).digest.startsWith("NEXT_REDIRECT");
}
