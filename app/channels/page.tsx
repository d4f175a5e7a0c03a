import { AutoRefresh } from "@/components/images/auto-refresh";
import { ChannelControls, NewChannel } from "@/components/channels/channel-admin";
import { ChannelCard } from "@/components/channels/channel-card";
import type { ChannelFormChoices, ChannelFormValues } from "@/components/channels/channel-form";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { requirePage } from "@/lib/auth/page-guard";
import { hasRole } from "@/lib/auth/roles";
import { listChannels, type ChannelView } from "@/lib/channels/channel-store";
import { env } from "@/lib/env";
import { listRegistries } from "@/lib/registries/registry-store";
import { workspaceDefaultBranch } from "@/lib/workspace/default-branch";
import { listWorkspaces } from "@/lib/workspace/list-workspaces";
import { createChannelAction, deleteChannelAction, syncChannelAction, updateChannelAction } from "./actions";

export const dynamic = "force-dynamic";
export const metadata = { title: "Channels" };

const description =
  "Each channel keeps one driver image complete: every stored bundle by every module version its branch builds. A stored bundle or a sync starts a catch-up build of only what the image lacks; its result is published under the channel's image unless a driver would disappear or a cell that built would fail, which holds the channel.";

/** What an admin's forms need: the workspaces (each with the branch a new channel starts from) and the registries. */
async function formChoices(): Promise<ChannelFormChoices> {
  const workspaces = await Promise.all(listWorkspaces().map(async (w) => ({ id: w.id, name: w.name, defaultBranch: await workspaceDefaultBranch(w).catch(() => null) })));
  return { workspaces, registries: listRegistries().map((r) => ({ id: r.id, name: r.name, url: r.url })), defaultSquashAboveLayers: env().channelSquashAboveLayers };
}

const formValues = (c: ChannelView): ChannelFormValues => ({
  name: c.name,
  workspaceId: c.workspace?.id ?? null,
  branch: c.branch,
  legacyProbes: c.legacyProbes,
  image: c.image,
  registryId: c.registry?.id ?? null,
  bundleStored: c.triggers.bundleStored,
  schedule: c.triggers.schedule ?? "",
  squashAboveLayers: c.policy.squashAboveLayersIsDefault ? "" : String(c.policy.squashAboveLayers),
});

export default async function ChannelsPage() {
  const principal = await requirePage();
  const channels = await listChannels();
  const admin = hasRole(principal.role, "admin");
  const choices = admin ? await formChoices() : null;
  return (
    <>
      <PageHeader title="Channels" description={description} />
      <AutoRefresh active={channels.some((c) => c.state === "building")} />
      {choices ? <NewChannel choices={choices} create={createChannelAction} /> : null}
      {channels.length === 0 ? (
        <EmptyState title="No channel yet">
          {admin ? "Add one above, or with " : "An admin adds one here, or with "}
          <code className="font-mono">POST /api/channels</code> {"{name, workspaceId, branch, image}"}.
        </EmptyState>
      ) : (
        <div className="space-y-4">
          {channels.map((channel) => (
            <ChannelCard
              key={channel.id}
              channel={channel}
              sync={syncChannelAction}
              canSync={hasRole(principal.role, "operator")}
              controls={choices ? <ChannelControls channel={{ id: channel.id, name: channel.name, values: formValues(channel) }} choices={choices} update={updateChannelAction} remove={deleteChannelAction} /> : null}
            />
          ))}
        </div>
      )}
    </>
  );
}
