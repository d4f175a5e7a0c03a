// The one way the browser asks kobuild's HTTP API: JSON in and out, never a
// cached answer, and a refusal thrown with the server's own words ({error}).

export class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null,
  ) {
    super(message);
    this.name = "ApiRefusal";
  }
}

/** GETs (or sends, with `init`) and reads the JSON answer; an answer that is not 2xx throws an ApiRefusal, unless `anyStatus` (the health check answers 503 with a body). */
export async function fetchJson<T>(url: string, init: RequestInit = {}, { anyStatus = false }: { anyStatus?: boolean } = {}): Promise<T> {
  const response = await fetch(url, { cache: "no-store", ...init });
  const body = (await response.json().catch(() => ({}))) as T & { error?: string; code?: string };
  if (!response.ok && !anyStatus) throw new ApiRefusal(response.status, body.error ?? `the server answered HTTP ${response.status}`, body.code ?? null);
  return body;
}

/** Sends `body` as JSON with `method`; the answer as fetchJson reads it. */
export function sendJson<T>(method: "POST" | "PUT" | "PATCH" | "DELETE", url: string, body?: unknown): Promise<T> {
  return fetchJson<T>(url, { method, headers: body === undefined ? undefined : { "content-type": "application/json" }, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
}
