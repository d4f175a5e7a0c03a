import "server-only";
import { onBundleStored } from "@/lib/bundles/bundle-events";
import { env } from "@/lib/env";
import { channelsWanting, syncChannel } from "./catch-up";

// Bundles come in batches (an upload of many files, a source's poll): each
// stored bundle restarts a short wait, and when it ends every channel lacking
// one of the batch's kernels starts one catch-up for all of them.

let waiting: NodeJS.Timeout | null = null;
const batch = new Set<string>();
let unsubscribe: (() => void) | null = null;

async function catchUpBatch() {
  waiting = null;
  const kernels = [...batch];
  batch.clear();
  for (const channel of channelsWanting(kernels)) {
    try {
      await syncChannel(channel.id, { trigger: "bundle", by: null });
    } catch (error) {
      console.error(`kobuild: channel ${channel.name} could not catch up with ${kernels.length} new bundle(s):`, (error as Error).message);
    }
  }
}

/** Channels follow the bundle store from now on; called once at start-up (and by tests). */
export function startChannelTriggers() {
  if (unsubscribe) return;
  unsubscribe = onBundleStored((bundle) => {
    batch.add(bundle.kernel);
    if (waiting) clearTimeout(waiting);
    waiting = setTimeout(() => void catchUpBatch(), env().channelDebounceSeconds * 1000);
    waiting.unref?.();
  });
}
