import { beginOidcSignIn } from "@/lib/auth/oidc-sign-in";
import { setOidcFlowCookie } from "@/lib/auth/session-cookie";
import { refusalPage } from "@/lib/http/refusal-page";
import { route } from "@/lib/http/route";
import { requestOrigin } from "@/lib/http/same-origin";

export const dynamic = "force-dynamic";

/** The sign-in button's target: off to the provider (303) with a sealed flow cookie; `?next=` is a path of this dashboard to land on. */
export const GET = route({ role: "public" }, async ({ request }) => {
  const url = new URL(request.url);
  try {
    // The Host the browser used (Next's request.url says localhost for 127.0.0.1); KOBUILD_PUBLIC_URL, when set, wins.
    const { location, flow } = await beginOidcSignIn({ requestOrigin: requestOrigin(request.headers, url.origin), next: url.searchParams.get("next") });
    await setOidcFlowCookie(flow);
    return new Response(null, { status: 303, headers: { location, "cache-control": "no-store" } });
  } catch (error) {
    return refusalPage(error, "Single sign-on is not available");
  }
});
