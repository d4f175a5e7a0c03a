import { createChannelBodySchema } from "@/lib/channels/channel-schemas";
import { createChannel, getChannel, listChannels } from "@/lib/channels/channel-store";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({}, async () => Response.json({ channels: await listChannels() }));

export const POST = route({ body: createChannelBodySchema }, async ({ body, principal }) => {
  const row = await createChannel(body, principal?.name ?? null);
  return Response.json(await getChannel(row.id), { status: 201 });
});
