import { createApiToken } from "@/lib/auth/api-tokens";
import { getDb } from "@/lib/db/client";
import { users } from "@/lib/db/schema";

let token: string | null = null;

/** An admin's API token in this test file's data directory, made on first use. */
export function adminToken(): string {
  if (!token) {
    const user = getDb().insert(users).values({ name: "integration-admin", role: "admin" }).returning().get();
    token = createApiToken(user.id, "integration tests").token;
  }
  return token;
}

/** A request as the route handlers get it from an admin's client: with `Authorization: Bearer`. */
export class AdminRequest extends Request {
  constructor(input: string | URL, init: RequestInit = {}) {
    const headers = new Headers(init.headers);
    if (!headers.has("authorization")) headers.set("authorization", `Bearer ${adminToken()}`);
    super(input, { ...init, headers });
  }
}

/** An admin's JSON request to a route handler, as the tests of engines and registries send them. */
export function adminJsonRequest(method: string, body?: unknown) {
  return new AdminRequest("http://127.0.0.1/api", { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
}
