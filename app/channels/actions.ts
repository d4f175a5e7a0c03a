"use server";

import type { Principal } from "@/lib/auth/guard";
import { syncChannel } from "@/lib/channels/catch-up";
import { channelIdParamsSchema } from "@/lib/channels/channel-schemas";
import { serverAction } from "@/lib/http/server-action";

/** "Sync now" on the Channels page: the same as POST /api/channels/:id/sync. */
export const syncChannelAction = serverAction(
  { role: "operator", audit: { action: "sync channel", target: (s) => (s.buildId ? `build ${s.buildId}` : null) }, revalidate: "/channels" },
  (principal: Principal, id: unknown) => syncChannel(channelIdParamsSchema.parse({ id }).id, { trigger: "manual", by: principal.name }),
);
