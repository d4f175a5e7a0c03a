import "server-only";
import type { z } from "zod";
import { recordAudit } from "@/lib/auth/audit";
import { checkRole, principalOf, type Principal } from "@/lib/auth/guard";
import type { Role } from "@/lib/auth/roles";
import { env } from "@/lib/env";
import { inRequest, log, requestIdOf } from "@/lib/log/logger";
import { handleApiError } from "./api-error";
import { readJsonBody } from "./read-json-body";
import { requireSameOrigin } from "./same-origin";

type Context<P> = { params: Promise<P> };

const READS = new Set(["GET", "HEAD"]);
/** No one reads it: the status the request log shows for a caller that closed the connection first (as nginx logs it). */
const CALLER_WENT_AWAY = 499;

/**
 * Wraps a route handler: checks who asks (reads need a viewer, changes an
 * operator, unless `role` says otherwise; "public" for the health check and
 * sign-in), refuses a change a page of another origin sent with the session
 * cookie, parses path params (and a JSON body, capped, when a schema is given)
 * with zod, maps every error to one JSON shape `{error, code}`, records
 * every change in the audit log, and logs the request under its request id
 * (the caller's sane X-Request-Id or a new one, sent back in that header).
 */
export function route<P extends Record<string, unknown> = Record<string, string>, B = undefined>(
  options: { params?: z.ZodType<P>; body?: z.ZodType<B>; role?: Role | "public"; /** false: a POST that leaves nothing behind (a preview), not recorded in the audit log. */ audit?: boolean },
  handler: (input: { request: Request; params: P; body: B; principal: Principal | null }) => Promise<Response> | Response,
) {
  return async (request: Request, context: Context<Record<string, string>>) => {
    const requestId = requestIdOf(request.headers);
    return inRequest(requestId, async () => {
      const started = performance.now();
      const response = await handle(request, context);
      const path = new URL(request.url).pathname;
      // The health check is asked every few seconds by every open page.
      const level = path === "/api/health" ? "debug" : "info";
      log()[level]({ method: request.method, path, status: response.status, ms: Math.round(performance.now() - started) }, "request");
      return withRequestId(response, requestId);
    });
  };

  async function handle(request: Request, context: Context<Record<string, string>>): Promise<Response> {
    const read = READS.has(request.method);
    // A POST open to viewers only reads (the plan preview): it is no change to record.
    const change = !read && options.role !== "viewer" && options.audit !== false;
    let principal: Principal | null = null;
    let response: Response;
    try {
      const role = options.role ?? (read ? "viewer" : "operator");
      if (role !== "public") {
        // Known before the role is checked, so that a refused change is recorded with who tried it.
        principal = principalOf(request.headers);
      }
      // Only a bearer token proves a request was meant: a cookie rides along with whatever a page sends.
      if (!read && principal?.via !== "token") requireSameOrigin(request.headers);
      if (role !== "public") checkRole(principal, role);
      const rawParams = context?.params ? await context.params : {};
      const params = (options.params ? options.params.parse(rawParams) : rawParams) as P;
      let body = undefined as B;
      if (options.body) body = options.body.parse(await readJsonBody(request, env().maxJsonBytes));
      response = await handler({ request, params, body, principal });
    } catch (error) {
      // A caller that went away cancelled its work (a preview the page no longer wants): no fault to log.
      response = request.signal.aborted ? new Response(null, { status: CALLER_WENT_AWAY }) : handleApiError(error);
    }
    if (change && principal) recordAudit({ actor: principal.name, action: `${request.method} ${new URL(request.url).pathname}`, status: response.status });
    return response;
  }
}

/** The response with its request id, so a user's report can be found in the log. */
function withRequestId(response: Response, requestId: string): Response {
  try {
    response.headers.set("X-Request-Id", requestId);
    return response;
  } catch {
    // Immutable headers (Response.redirect): a copy takes it.
    const copy = new Response(response.body, response);
    copy.headers.set("X-Request-Id", requestId);
    return copy;
  }
}
