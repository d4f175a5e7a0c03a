// The one error kobuild's domain throws for a refusal its caller should read:
// the code says what kind of refusal, the message says why in the user's words.
// The doors map codes to answers (lib/http/api-error.ts: HTTP statuses); the
// codes are also the `code` of the API's error bodies.
export const DOMAIN_ERROR_CODES = [
  /** Input that does not fit. */
  "bad_request",
  /** Nobody signed in, or a token that is not valid. */
  "unauthorized",
  /** Too small a role, or a change sent by a page of another origin. */
  "forbidden",
  "not_found",
  /** The request fights what is stored (a build that already ended, a name taken). */
  "conflict",
  "payload_too_large",
  /** A body that is not JSON where JSON is read (or JSON where it is not). */
  "unsupported_media_type",
  /** Well-formed, yet unusable (a bundle that is not one, credentials a registry refuses). */
  "unprocessable",
  /** Too many attempts or streams: `retryAfterSeconds` says when to try again. */
  "too_many_requests",
  /** The disk kobuild writes to is full. */
  "insufficient_storage",
  "engine_unavailable",
  /** kobuild is stopping: it takes no new work; `retryAfterSeconds` says when to try again. */
  "shutting_down",
  /** A registry, git remote or other server kobuild talks to failed or did not answer. */
  "bad_gateway",
  "internal",
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Seconds after which the same request may succeed. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "DomainError";
  }
}
