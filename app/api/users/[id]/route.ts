import { idParamsSchema } from "@/lib/auth/auth-schemas";
import { disableUser } from "@/lib/auth/users";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Disables a user: their sessions and API tokens stop working at once; the audit log keeps their name. */
export const DELETE = route({ params: idParamsSchema, role: "admin" }, ({ params, principal }) => {
  const user = disableUser(params.id, { by: principal! });
  return Response.json({ id: user.id, name: user.name, disabledAt: user.disabledAt });
});
