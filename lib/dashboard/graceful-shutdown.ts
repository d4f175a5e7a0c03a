import "server-only";
import { interruptRunningBuilds, waitForRunningBuilds } from "@/lib/builds/build-queue";
import { startDraining } from "@/lib/builds/draining";
import { env } from "@/lib/env";
import { log } from "@/lib/log/logger";

const holder = globalThis as unknown as { kobuildShutdown?: { installed: boolean; stopping: Promise<void> | null } };
const state = (holder.kobuildShutdown ??= { installed: false, stopping: null });

/**
 * On SIGTERM (or SIGINT) the dashboard stops as an orchestrator expects:
 * it takes no new build (503) and starts no queued one, ends the live event
 * streams (browsers reconnect to the next process), gives running builds
 * KOBUILD_SHUTDOWN_GRACE_SECONDS to end, marks those still running
 * interrupted (as a start-up marks what a crash left), and exits 0.
 * `npm start` and the container image run Next with NEXT_MANUAL_SIG_HANDLE so that these handlers,
 * not Next's own exit, answer the signal.
 */
export function stopGracefullyOnSignals() {
  if (state.installed) return;
  state.installed = true;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    // The start script passes the signal on and a process group receives it too: once is enough.
    process.on(signal, () => void shutDown(signal));
  }
}

export function shutDown(signal: string): Promise<void> {
  state.stopping ??= (async () => {
    const graceSeconds = env().shutdownGraceSeconds;
    startDraining();
    log().info({ signal, graceSeconds }, "stopping: no new builds, live event streams closed, waiting for running builds");
    const left = await waitForRunningBuilds(graceSeconds * 1000);
    if (left > 0) {
      const interrupted = interruptRunningBuilds();
      for (const buildId of interrupted) log().warn({ buildId }, "build interrupted: it did not end within KOBUILD_SHUTDOWN_GRACE_SECONDS");
    }
    log().info({ interrupted: left }, "stopped");
    process.exit(0);
  })();
  return state.stopping;
}
