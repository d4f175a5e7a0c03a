import { z } from "zod";
import { DomainError, type DomainErrorCode } from "@/lib/domain-error";
import { log } from "@/lib/log/logger";

// The HTTP doors' answer to every error: a domain error's code picks the status.
const statusByCode: Record<DomainErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  too_many_requests: 429,
  insufficient_storage: 507,
  engine_unavailable: 503,
  shutting_down: 503,
  bad_gateway: 502,
  internal: 500,
};

/** The HTTP status of a domain error's code. */
export function httpStatusOf(code: DomainErrorCode): number {
  return statusByCode[code];
}

export function handleApiError(error: unknown): Response {
  if (error instanceof DomainError) {
    const headers = error.retryAfterSeconds !== undefined ? { "Retry-After": String(Math.max(1, Math.ceil(error.retryAfterSeconds))) } : undefined;
    return Response.json({ error: error.message, code: error.code }, { status: httpStatusOf(error.code), headers });
  }
  if (error instanceof z.ZodError) {
    const issue = error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    return Response.json({ error: `${where}${issue?.message ?? "invalid input"}`, code: "bad_request" }, { status: 400 });
  }
  // Unknown errors are logged here and never shown: they may carry paths or secrets.
  log().error({ err: error }, "unexpected error");
  return Response.json({ error: "internal error", code: "internal" }, { status: 500 });
}
