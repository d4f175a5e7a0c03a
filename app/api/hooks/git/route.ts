import { receiveGitHook } from "@/lib/channels/git-hook";
import { env } from "@/lib/env";
import { readBodyText } from "@/lib/http/read-json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** A git push hook (GitHub or GitLab): proved by the shared secret, not a session; the channels following the pushed branch catch up. */
export const POST = route({ role: "public" }, async ({ request }) => {
  const body = await readBodyText(request, env().maxJsonBytes);
  return Response.json(await receiveGitHook(request.headers, body), { status: 202 });
});
