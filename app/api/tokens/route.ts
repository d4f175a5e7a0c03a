import { eq } from "drizzle-orm";
import { createApiToken, listApiTokens } from "@/lib/auth/api-tokens";
import { createTokenBodySchema } from "@/lib/auth/auth-schemas";
import { getDb } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { ApiError } from "@/lib/http/api-error";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ role: "admin" }, () => Response.json({ tokens: listApiTokens() }));

/** A new API token `{name, user?}` (for the caller, or for another user); the token is in this answer only. */
export const POST = route({ body: createTokenBodySchema, role: "admin" }, ({ body, principal }) => {
  let userId = principal!.userId;
  if (body.user) {
    const user = getDb().select({ id: users.id }).from(users).where(eq(users.name, body.user)).get();
    if (!user) throw new ApiError("not_found", `no user ${body.user}`);
    userId = user.id;
  }
  return Response.json(createApiToken(userId, body.name), { status: 201 });
});
