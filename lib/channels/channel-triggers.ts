import "server-only";
import { onBundleStored } from "@/lib/bundles/bundle-events";
import { env } from "@/lib/env";
import { channelsDue, channelsWanting, syncChannel } from "./catch-up";

// Schedules: a tick every 30 s starts the catch-up of each channel whose cron
// line fell due since its last scheduled run.
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

const SCHEDULE_TICK_MS = 30_000;

/** Starts the catch-ups whose schedule fell due; answers the channels started. */
export async function runDueSchedules(now = new Date()) {
  const due = channelsDue(now);
  for (const channel of due) {
    try {
      await syncChannel(channel.id, { trigger: "schedule", by: null });
    } catch (error) {
      console.error(`kobuild: channel ${channel.name} could not catch up on schedule:`, (error as Error).message);
    }
  }
  return due.map((c) => c.id);
}

/** Channels follow the bundle store and their schedules from now on; called once at start-up (and by tests). */
export function startChannelTriggers() {
  if (unsubscribe) return;
  setInterval(() => void runDueSchedules(), SCHEDULE_TICK_MS).unref();
  unsubscribe = onBundleStored((bundle) => {
    batch.add(bundle.kernel);
    if (waiting) clearTimeout(waiting);
    waiting = setTimeout(() => void catchUpBatch(), env().channelDebounceSeconds * 1000);
    waiting.unref?.();
  });
}
