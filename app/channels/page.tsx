import { AutoRefresh } from "@/components/images/auto-refresh";
import { ChannelCard } from "@/components/channels/channel-card";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { requirePage } from "@/lib/auth/page-guard";
import { hasRole } from "@/lib/auth/roles";
import { listChannels } from "@/lib/channels/channel-store";
import { syncChannelAction } from "./actions";

export const dynamic = "force-dynamic";
export const metadata = { title: "Channels" };

const description =
  "Each channel keeps one driver image complete: every stored bundle by every module version its branch builds. A stored bundle or a sync starts a catch-up build of only what the image lacks; its result is published under the channel's image unless a driver would disappear or a cell that built would fail, which holds the channel.";

export default async function ChannelsPage() {
  const principal = await requirePage();
  const channels = await listChannels();
  return (
    <>
      <PageHeader title="Channels" description={description} />
      <AutoRefresh active={channels.some((c) => c.state === "building")} />
      {channels.length === 0 ? (
        <EmptyState title="No channel yet">
          An operator adds one with <code className="font-mono">POST /api/channels</code> {"{name, workspaceId, branch, image}"}.
        </EmptyState>
      ) : (
        <div className="space-y-4">
          {channels.map((channel) => (
            <ChannelCard key={channel.id} channel={channel} sync={syncChannelAction} canSync={hasRole(principal.role, "operator")} />
          ))}
        </div>
      )}
    </>
  );
}
