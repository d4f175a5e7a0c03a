// Runs once when the server starts: open the database (applying migrations)
// before the first request, settle builds a previous process left behind, start
// the queued ones, clean up unfinished uploads and deletes, schedule the
// retention prune and the bundle sources' polls, send the webhook deliveries a
// previous process left pending, and make sure
// someone can sign in.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { watchEventLoop } = await import("@/lib/system/watch-event-loop");
    watchEventLoop();
    const { getDb } = await import("@/lib/db/client");
    getDb();
    const { startBuildRunner } = await import("@/lib/build-kinds/start-build-runner");
    startBuildRunner();
    // Settles what a previous process left running, then starts the queued builds.
    const { recoverBuilds } = await import("@/lib/builds/build-queue");
    const interrupted = recoverBuilds();
    if (interrupted > 0) console.log(`kobuild: ${interrupted} build(s) left running by a previous start marked interrupted`);
    const { cleanBundleLeftovers } = await import("@/lib/bundles/clean-bundle-leftovers");
    const left = cleanBundleLeftovers();
    if (left.parts + left.restored + left.trashed > 0) {
      console.log(`kobuild: cleaned what a previous start left: ${left.parts} unfinished upload(s) removed, ${left.restored} bundle(s) whose delete did not finish put back, ${left.trashed} deleted bundle file(s) removed`);
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
  }
}
