import "server-only";
import type { z } from "zod";
import { recordAudit } from "@/lib/auth/audit";
import { checkRole, principalOf, type Principal } from "@/lib/auth/guard";
import type { Role } from "@/lib/auth/roles";
import { ApiError, handleApiError } from "./api-error";

type Context<P> = { params: Promise<P> };

const READS = new Set(["GET", "HEAD"]);

/**
 * Wraps a route handler: checks who asks (reads need a viewer, changes an
 * operator, unless `role` says otherwise; "public" for the health check),
 * parses path params (and JSON body when a schema is given) with zod, maps
 * every error to one JSON shape `{error, code}`, and records every change
 * in the audit log.
 */
export function route<P extends Record<string, unknown> = Record<string, string>, B = undefined>(
  options: { params?: z.ZodType<P>; body?: z.ZodType<B>; role?: Role | "public"; /** false: a POST that leaves nothing behind (a preview), not recorded in the audit log. */ audit?: boolean },
  handler: (input: { request: Request; params: P; body: B; principal: Principal | null }) => Promise<Response> | Response,
) {
  return async (request: Request, context: Context<Record<string, string>>) => {
    // A POST open to viewers only reads (the plan preview): it is no change to record.
    const change = !READS.has(request.method) && options.role !== "viewer" && options.audit !== false;
    let principal: Principal | null = null;
    let response: Response;
    try {
      const role = options.role ?? (READS.has(request.method) ? "viewer" : "operator");
      if (role !== "public") {
        // Known before the role is checked, so that a refused change is recorded with who tried it.
        principal = principalOf(request.headers);
        checkRole(principal, role);
      }
      const rawParams = context?.params ? await context.params : {};
      const params = (options.params ? options.params.parse(rawParams) : rawParams) as P;
      let body = undefined as B;
      if (options.body) {
        let json: unknown;
        // An empty body is an empty object: a schema whose fields are all optional needs none.
        const text = await request.text();
        try {
          json = text.trim() === "" ? {} : JSON.parse(text);
        } catch {
          throw new ApiError("bad_request", "the body must be JSON");
        }
        body = options.body.parse(json);
      }
      response = await handler({ request, params, body, principal });
    } catch (error) {
      response = handleApiError(error);
    }
    if (change && principal) recordAudit({ actor: principal.name, action: `${request.method} ${new URL(request.url).pathname}`, status: response.status });
    return response;
  };
}
