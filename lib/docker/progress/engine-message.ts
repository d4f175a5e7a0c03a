// Small readers for the JSON messages of a build response, shared by both decoders.

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `{error, errorDetail: {message}}` ends a failed build; errorDetail is the fuller of the two. */
export function isErrorMessage(message: Record<string, unknown>) {
  return typeof message.error === "string" || isObject(message.errorDetail);
}

export function errorText(message: Record<string, unknown>): string {
  // Podman ends its errors with a newline; Docker does not.
  const detail = isObject(message.errorDetail) && typeof message.errorDetail.message === "string" ? message.errorDetail.message.trimEnd() : "";
  if (detail !== "") return detail;
  const error = typeof message.error === "string" ? message.error.trimEnd() : "";
  return error !== "" ? error : "the build failed";
}
