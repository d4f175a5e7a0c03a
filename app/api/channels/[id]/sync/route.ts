import { syncChannel } from "@/lib/channels/catch-up";
import { channelIdParamsSchema } from "@/lib/channels/channel-schemas";
import { getChannel } from "@/lib/channels/channel-store";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Catch up now: 201 with the build started, 200 when a build runs already (another follows it) or nothing is lacking. */
export const POST = route({ params: channelIdParamsSchema }, async ({ params, principal }) => {
  const sync = await syncChannel(params.id, { trigger: "manual", by: principal?.name ?? null });
  return Response.json({ sync, channel: await getChannel(params.id) }, { status: sync.status === "started" ? 201 : 200 });
});
