import { channelIdParamsSchema, updateChannelBodySchema } from "@/lib/channels/channel-schemas";
import { deleteChannel, getChannel, updateChannel } from "@/lib/channels/channel-store";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ params: channelIdParamsSchema }, async ({ params }) => Response.json(await getChannel(params.id)));

export const PATCH = route({ params: channelIdParamsSchema, body: updateChannelBodySchema, role: "admin" }, async ({ params, body }) => {
  await updateChannel(params.id, body);
  return Response.json(await getChannel(params.id));
});

export const DELETE = route({ params: channelIdParamsSchema, role: "admin" }, ({ params }) => {
  const row = deleteChannel(params.id);
  return Response.json({ id: row.id, name: row.name });
});
