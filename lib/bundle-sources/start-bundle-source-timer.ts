import "server-only";
import { listBundleSources } from "./bundle-source-store";
import { pollBundleSource } from "./poll-bundle-source";
import { log } from "@/lib/log/logger";

const CHECK_EVERY_MS = 60_000;

const holder = globalThis as unknown as { kobuildBundleSourceTimer?: NodeJS.Timeout; kobuildBundleSourcePolling?: boolean };

/** Each minute, polls every source whose interval has passed since its last poll, one source at a time. */
export function startBundleSourceTimer() {
  if (holder.kobuildBundleSourceTimer) return;
  const tick = async () => {
    // A slow source must not have its next poll start while this one still runs.
    if (holder.kobuildBundleSourcePolling) return;
    holder.kobuildBundleSourcePolling = true;
    try {
      for (const source of listBundleSources()) {
        const due = !source.lastPolledAt || source.lastPolledAt.getTime() + source.pollMinutes * 60_000 <= Date.now();
        if (!due) continue;
        const poll = await pollBundleSource(source.id);
        if (poll.stored > 0 || poll.status !== "ok") {
          log()[poll.status === "ok" ? "info" : "warn"]({ bundleSourceId: source.id, stored: poll.stored, status: poll.status, error: poll.error ?? undefined, refused: poll.refusals.length }, "bundle source polled");
        }
      }
    } catch (error) {
      log().error({ err: error }, "polling the bundle sources failed");
    } finally {
      holder.kobuildBundleSourcePolling = false;
    }
  };
  holder.kobuildBundleSourceTimer = setInterval(() => void tick(), CHECK_EVERY_MS);
  holder.kobuildBundleSourceTimer.unref();
}
