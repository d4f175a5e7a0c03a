import { recordAudit } from "@/lib/auth/audit";
import { publishAnyway } from "@/lib/channels/catch-up";
import { channelIdParamsSchema, publishAnywayBodySchema } from "@/lib/channels/channel-schemas";
import { getChannel } from "@/lib/channels/channel-store";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** "Publish anyway": an admin moves the tag past the gate; the held cells and the reason are kept in the audit log. */
export const POST = route({ params: channelIdParamsSchema, body: publishAnywayBodySchema, role: "admin" }, async ({ params, body, principal }) => {
  const before = await getChannel(params.id);
  await publishAnyway(params.id);
  recordAudit({ actor: principal?.name ?? "?", action: "publish channel anyway", target: `${before.name} build #${before.heldBuildId}: ${body.reason} (held: ${before.heldCells.slice(0, 20).join("; ")})`, status: 200 });
  return Response.json(await getChannel(params.id));
});
