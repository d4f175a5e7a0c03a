"use client";

import { BUILD_NETWORKS, type BuildNetwork } from "@/lib/vocabulary";
import type { NetworkChoice } from "./build-form-state";
import { Radio } from "./form-controls";

/** What each network means for the build's RUN steps, as `docker build --network` has them. */
export const NETWORK_MEANING: Record<BuildNetwork, string> = {
  default: "the engine's default network (a bridge, with whatever outside access the engine's host has)",
  none: "no network at all: RUN steps use only the build context and the base images",
  host: "the network of the engine's host, its loopback included",
};

/** The network of RUN steps: the workspace's setting (named), or one chosen for this build. */
export function NetworkChoices({ value, workspace, onChange }: { value: NetworkChoice; workspace: { name: string; network: BuildNetwork } | null; onChange: (value: NetworkChoice) => void }) {
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium">Network of RUN steps (--network)</legend>
      <Radio
        name="network"
        value="workspace"
        current={value}
        onChange={onChange}
        label={workspace ? `The workspace's setting: ${workspace.network}` : "The workspace's setting"}
        hint={workspace ? `${workspace.name} builds with ${NETWORK_MEANING[workspace.network]}.` : "Each workspace names the network of its builds."}
      />
      {BUILD_NETWORKS.map((network) => (
        <Radio key={network} name="network" value={network} current={value} onChange={onChange} label={network} hint={`${NETWORK_MEANING[network][0]!.toUpperCase()}${NETWORK_MEANING[network].slice(1)}.`} />
      ))}
    </fieldset>
  );
}
