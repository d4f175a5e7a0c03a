import type { Connection } from "./connection";

/** The dashboard answered with an error status: its own words, and what the status means for the caller. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** No answer at all: refused, reset, a name that does not resolve. */
export class UnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnreachableError";
  }
}

const HINTS: Record<number, string> = {
  401: "the dashboard does not accept this API token (wrong, revoked, or its user disabled): check KOBUILD_TOKEN or --token-file",
  403: "this API token's user may not do that (its role is too small)",
  429: "the dashboard is busy",
};

/** Why a fetch got no answer, in words: the system's error code when there is one. */
export function unreachable(url: string, error: unknown): UnreachableError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (error as Error).message;
  return new UnreachableError(`could not reach the dashboard at ${url} (${why})`);
}

export type ApiClient = ReturnType<typeof apiClient>;

/** Requests to the dashboard's HTTP API with the bearer token; errors become ApiError or UnreachableError. */
export function apiClient(connection: Connection) {
  const origin = new URL(connection.url).origin;
  /** `answered`: error statuses whose body the caller reads itself (an upload's per-file results). */
  const request = async (path: string, init: RequestInit & { duplex?: "half" } = {}, answered: readonly number[] = []): Promise<Response> => {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${connection.token}`);
    let response: Response;
    try {
      response = await fetch(`${connection.url}${path}`, { ...init, headers, redirect: "manual" });
    } catch (error) {
      if ((error as Error).name === "AbortError") throw error;
      throw unreachable(origin, error);
    }
    if (response.ok || answered.includes(response.status)) return response;
    const text = await response.text().catch(() => "");
    let message = text.slice(0, 500);
    let code: string | null = null;
    try {
      const body = JSON.parse(text) as { error?: unknown; code?: unknown };
      if (typeof body.error === "string") message = body.error;
      if (typeof body.code === "string") code = body.code;
    } catch {
      // not JSON: a proxy's page, kept short
    }
    const hint = HINTS[response.status];
    throw new ApiError(response.status, code, `${response.status} from ${path.split("?")[0]}: ${hint ? `${hint} (${message || response.statusText})` : message || response.statusText}`);
  };
  return {
    url: connection.url,
    request,
    async getJson<T>(path: string): Promise<T> {
      return (await (await request(path)).json()) as T;
    },
    async postJson<T>(path: string, body: unknown): Promise<T> {
      return (await (await request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json()) as T;
    },
  };
}
