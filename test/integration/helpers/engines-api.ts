import { expect } from "vitest";
import { AdminRequest } from "./admin-request";
import { until as waitUntil } from "./until";

/** An engine as GET /api/engines shows it. */
export type Engine = {
  id: string;
  name: string;
  kind: string;
  url: string;
  certPath: string | null;
  concurrency: number;
  isDefault: boolean;
  health: { reachable: boolean; product: "docker" | "podman" | null; version: string | null; apiVersion: string | null; buildkit: boolean | null; error: string | null; checkedAt: string };
  running: number;
  queued: number;
};

export const none = { params: Promise.resolve({}) };
export const idParams = (id: string) => ({ params: Promise.resolve({ id }) });

/** A request to /api/engines as an admin (unless `headers` bring another token). */
export const send = (method: string, body?: unknown, headers: Record<string, string> = {}) =>
  new AdminRequest("http://127.0.0.1/api/engines", { method, headers: { "content-type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });

export async function json<T>(response: Response, status: number): Promise<T> {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
}

// The route is imported when first called: a test file points kobuild at its data directory before lib/ reads it.
const enginesRoute = () => import("@/app/api/engines/route");

export const list = async () => (await json<{ engines: Engine[] }>(await (await enginesRoute()).GET(send("GET"), none), 200)).engines;
export const add = async (body: unknown, headers?: Record<string, string>) => (await enginesRoute()).POST(send("POST", body, headers), none);

/** Reads until `ok` holds, every half second; engine health is asked again every few seconds. */
export const until = <T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000) => waitUntil(what, read, ok, timeoutMs, 500);
