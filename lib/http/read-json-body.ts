import { DomainError } from "@/lib/domain-error";

/**
 * A request's JSON body, read as a stream and given up as soon as it passes
 * `maxBytes` (413): a large body is never held whole. The body must say it is
 * JSON (415 otherwise): a page elsewhere can send `text/plain` without asking
 * first, but not `application/json`. An empty body is an empty object, so a
 * schema whose fields are all optional needs none.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const type = request.headers.get("content-type");
  const isJson = type !== null && /^application\/json\s*(;|$)/i.test(type.trim());
  if (type !== null && !isJson) throw new DomainError("unsupported_media_type", `the body must be JSON (Content-Type: application/json), not ${type.split(";")[0]!.trim().slice(0, 100)}`);
  const text = await readBodyText(request, maxBytes);
  if (text.trim() === "") return {};
  if (!isJson) throw new DomainError("unsupported_media_type", "the body must be JSON (Content-Type: application/json)");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DomainError("bad_request", "the body must be JSON");
  }
}

function tooLarge(maxBytes: number) {
  return new DomainError("payload_too_large", `the body is larger than ${maxBytes} bytes (KOBUILD_MAX_JSON_BYTES)`);
}

/** A request's body as text, read as a stream and given up as soon as it passes `maxBytes` (413); "" without one. */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw tooLarge(maxBytes);
      chunks.push(value);
    }
  } catch (error) {
    // Stop reading: the rest of an oversized body is left unread.
    await reader.cancel().catch(() => undefined);
    throw error;
  }
  return Buffer.concat(chunks).toString("utf8");
}
