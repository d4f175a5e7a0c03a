import { finishOidcSignIn } from "@/lib/auth/oidc-sign-in";
import { startBrowserSession, takeOidcFlowCookie } from "@/lib/auth/session-cookie";
import { refusalPage } from "@/lib/http/refusal-page";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Where the provider sends the browser back: a session and a 303 to the page asked for, or a page saying why not (400, 403, 502). */
export const GET = route({ role: "public" }, async ({ request }) => {
  try {
    // The flow is used once, whatever the outcome.
    const flowCookie = await takeOidcFlowCookie();
    const { user, next } = await finishOidcSignIn({ query: new URL(request.url).searchParams, flowCookie });
    await startBrowserSession(user.id);
    return new Response(null, { status: 303, headers: { location: next, "cache-control": "no-store" } });
  } catch (error) {
    return refusalPage(error, "Sign-in refused");
  }
});
