"use server";

import type { Principal } from "@/lib/auth/guard";
import { syncChannel } from "@/lib/channels/catch-up";
import { channelIdParamsSchema, createChannelBodySchema, updateChannelBodySchema } from "@/lib/channels/channel-schemas";
import { createChannel, deleteChannel, updateChannel } from "@/lib/channels/channel-store";
import { serverAction } from "@/lib/http/server-action";

/** "Sync now" on the Channels page: the same as POST /api/channels/:id/sync. */
export const syncChannelAction = serverAction(
  { role: "operator", audit: { action: "sync channel", target: (s) => (s.buildId ? `build ${s.buildId}` : null) }, revalidate: "/channels" },
  (principal: Principal, id: unknown) => syncChannel(channelIdParamsSchema.parse({ id }).id, { trigger: "manual", by: principal.name }),
);

const saved = () => ({ ok: true as const });

/** "Add a channel": the same as POST /api/channels. */
export const createChannelAction = serverAction(
  { role: "admin", audit: { action: "create channel", target: (row) => `channel ${row.name}` }, revalidate: "/channels", reply: saved },
  (principal: Principal, input: unknown) => createChannel(createChannelBodySchema.parse(input), principal.name),
);

/** "Edit" of a channel: the same as PATCH /api/channels/:id. */
export const updateChannelAction = serverAction(
  { role: "admin", audit: { action: "change channel", target: (row) => `channel ${row.name}` }, revalidate: "/channels", reply: saved },
  (_principal: Principal, id: unknown, input: unknown) => updateChannel(channelIdParamsSchema.parse({ id }).id, updateChannelBodySchema.parse(input)),
);

/** "Delete" of a channel: the same as DELETE /api/channels/:id. */
export const deleteChannelAction = serverAction(
  { role: "admin", audit: { action: "delete channel", target: (row) => `channel ${row.name}` }, revalidate: "/channels", reply: saved },
  (_principal: Principal, id: unknown) => deleteChannel(channelIdParamsSchema.parse({ id }).id),
);
