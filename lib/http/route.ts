import "server-only";
import type { z } from "zod";
import { ApiError, handleApiError } from "./api-error";

type Context<P> = { params: Promise<P> };

/**
 * Wraps a route handler: parses path params (and JSON body when a schema is
 * given) with zod, and maps every error to one JSON shape `{error, code}`.
 */
export function route<P extends Record<string, unknown> = Record<string, string>, B = undefined>(
  options: { params?: z.ZodType<P>; body?: z.ZodType<B> },
  handler: (input: { request: Request; params: P; body: B }) => Promise<Response> | Response,
) {
  return async (request: Request, context: Context<Record<string, string>>) => {
    try {
      const rawParams = context?.params ? await context.params : {};
      const params = (options.params ? options.params.parse(rawParams) : rawParams) as P;
      let body = undefined as B;
      if (options.body) {
        let json: unknown;
        try {
          json = await request.json();
        } catch {
          throw new ApiError("bad_request", "the body must be JSON");
        }
        body = options.body.parse(json);
      }
      return await handler({ request, params, body });
    } catch (error) {
      return handleApiError(error);
    }
  };
}
