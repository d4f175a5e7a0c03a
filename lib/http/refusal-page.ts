import { DomainError } from "@/lib/domain-error";
import { handleApiError, httpStatusOf } from "./api-error";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * For doors a browser navigates to (a provider's redirect back): a refusal as
 * a small page with its status, in the person's words, and a way back to the
 * sign-in page. Unknown errors stay hidden, as in handleApiError.
 */
export function refusalPage(error: unknown, title: string): Response {
  if (!(error instanceof DomainError)) {
    const fallback = handleApiError(error);
    return refusalHtml(fallback.status, title, "kobuild could not finish the sign-in: try again, or tell an admin if it keeps failing.");
  }
  return refusalHtml(httpStatusOf(error.code), title, error.message);
}

function refusalHtml(status: number, title: string, message: string): Response {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · kobuild</title></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a href="/login">Back to the sign-in page</a></p></main></body></html>
`;
  return new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}
