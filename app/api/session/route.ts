import { signInSchema } from "@/lib/auth/auth-schemas";
import { startBrowserSession } from "@/lib/auth/session-cookie";
import { signIn, signInAddress } from "@/lib/auth/sign-in";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Sign in: `{name, password}`; 200 with the session cookie, 401 for a wrong pair, 429 (Retry-After) after repeated failures. */
export const POST = route({ body: signInSchema, role: "public" }, async ({ request, body }) => {
  const user = await signIn(body.name, body.password, signInAddress(request.headers));
  await startBrowserSession(user.id);
  return Response.json({ name: user.name, role: user.role });
});
