// Runs once when the server starts: open the database (applying migrations)
// before the first request, settle builds a previous process left behind, start
// the queued ones, clean up unfinished uploads and deletes, schedule the
// retention prune and the bundle sources' polls, send the webhook deliveries a
// previous process left pending, make sure someone can sign in, and stop
// gracefully on SIGTERM.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // The standalone server (the container image) runs no next.config and no
    // start script: a bad value must stop it here, with the same one line.
    const { loadEnvOrExit } = await import("@/lib/env");
    loadEnvOrExit();
    const { log } = await import("@/lib/log/logger");
    const { watchEventLoop } = await import("@/lib/system/watch-event-loop");
    watchEventLoop();
    const { getDb } = await import("@/lib/db/client");
    getDb();
    const { startBuildRunner } = await import("@/lib/build-kinds/start-build-runner");
    startBuildRunner();
    // Settles what a previous process left running, then starts the queued builds.
    const { recoverBuilds } = await import("@/lib/builds/build-queue");
    const interrupted = recoverBuilds();
    if (interrupted > 0) log().warn({ interrupted }, "builds left running by a previous start marked interrupted");
    const { cleanBundleLeftovers } = await import("@/lib/bundles/clean-bundle-leftovers");
    const left = cleanBundleLeftovers();
    if (left.parts + left.restored + left.trashed > 0) {
      log().info({ unfinishedUploadsRemoved: left.parts, bundlesPutBack: left.restored, deletedFilesRemoved: left.trashed }, "cleaned what a previous start left");
    }
    const { startRetentionTimer } = await import("@/lib/retention/start-retention-timer");
    startRetentionTimer();
    const { startWebhookDispatcher } = await import("@/lib/webhooks/webhook-dispatcher");
    startWebhookDispatcher();
    const { startBundleSourceTimer } = await import("@/lib/bundle-sources/start-bundle-source-timer");
    startBundleSourceTimer();
    const { startChannelTriggers } = await import("@/lib/channels/channel-triggers");
    startChannelTriggers();
    const { provisionAccess } = await import("@/lib/auth/first-start");
    await provisionAccess();
    const { stopGracefullyOnSignals } = await import("@/lib/dashboard/graceful-shutdown");
    stopGracefullyOnSignals();
    log().info({ pid: process.pid }, "ready");
  }
}
