import { createApiTokenFor, listApiTokens } from "@/lib/auth/api-tokens";
import { createTokenBodySchema } from "@/lib/auth/auth-schemas";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ role: "admin" }, () => Response.json({ tokens: listApiTokens() }));

/** A new API token `{name, user?}` (for the caller, or for another user); the token is in this answer only. */
export const POST = route({ body: createTokenBodySchema, role: "admin" }, ({ body, principal }) => Response.json(createApiTokenFor(principal!, body), { status: 201 }));
