import { createUserBodySchema } from "@/lib/auth/auth-schemas";
import { createUser, listUsers } from "@/lib/auth/users";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ role: "admin" }, () => Response.json({ users: listUsers() }));

/** A new user: `{name, role, password?}`; without a password the user works through API tokens only. */
export const POST = route({ body: createUserBodySchema, role: "admin" }, async ({ body }) => {
  const user = await createUser(body);
  return Response.json({ id: user.id, name: user.name, role: user.role, createdAt: user.createdAt }, { status: 201 });
});
