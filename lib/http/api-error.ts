import { z } from "zod";

// One error type for everything the HTTP doors answer; the code picks the status.
const statusByCode = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  /** A body that is not JSON where JSON is read (or JSON where it is not). */
  unsupported_media_type: 415,
  unprocessable: 422,
  /** Too many attempts or streams: the answer says when to try again (Retry-After). */
  too_many_requests: 429,
  engine_unavailable: 503,
  internal: 500,
  /** A registry or other server kobuild talks to failed or did not answer. */
  bad_gateway: 502,
} as const;

export type ApiErrorCode = keyof typeof statusByCode;

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** Seconds after which the same request may succeed (429): sent as Retry-After. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "ApiError";
  }

  get status(): number {
    return statusByCode[this.code];
  }
}

export function handleApiError(error: unknown): Response {
  if (error instanceof ApiError) {
    const headers = error.retryAfterSeconds !== undefined ? { "Retry-After": String(Math.max(1, Math.ceil(error.retryAfterSeconds))) } : undefined;
    return Response.json({ error: error.message, code: error.code }, { status: error.status, headers });
  }
  if (error instanceof z.ZodError) {
    const issue = error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    return Response.json({ error: `${where}${issue?.message ?? "invalid input"}`, code: "bad_request" }, { status: 400 });
  }
  // Unknown errors are logged here and never shown: they may carry paths or secrets.
  console.error("kobuild: unexpected error", error);
  return Response.json({ error: "internal error", code: "internal" }, { status: 500 });
}
