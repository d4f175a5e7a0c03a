import { revokeApiToken } from "@/lib/auth/api-tokens";
import { idParamsSchema } from "@/lib/auth/auth-schemas";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Revokes an API token: it stops working at once. */
export const DELETE = route({ params: idParamsSchema, role: "admin" }, ({ params }) => Response.json(revokeApiToken(params.id)));
