import "server-only";
import { setBuildRunner } from "@/lib/builds/build-queue";
import { driverBuildRecipe } from "@/lib/builds/driver-build-recipe";
import { runBuild, type RecipeFor } from "@/lib/builds/run-build";
import { isShardedBuild } from "@/lib/builds/shards/sharding-options";
import { shardedBuildRecipe } from "@/lib/builds/shards/sharded-build-recipe";
import { imageOperationRecipe } from "@/lib/images/image-operation-recipe";
import { digestFinishedBuild } from "@/lib/build-digests/digest-build";
import { notifyBuildEnded } from "@/lib/webhooks/build-notifications";
import { log } from "@/lib/log/logger";
import { reproduceRecipe } from "@/lib/drivers/reproduce-recipe";
import { channelBuildEnded } from "@/lib/channels/catch-up";

// The table of build kinds lives above lib/builds and lib/images: the queue and
// the runner know a build's common life (engine, log, stages, outcome), the
// kinds know what each one does, and neither folder imports the other's recipes.

/** Every kind of build kobuild runs: a driver build (sharded or not, a re-run too), a driver's reproduction, a merge, a squash, a collector image. */
const recipeFor: RecipeFor = (build, secrets) => {
  if (build.kind === "reproduce") return reproduceRecipe(secrets);
  if (build.kind !== "drivers") return imageOperationRecipe(build.kind);
  return isShardedBuild(build.options) ? shardedBuildRecipe(secrets) : driverBuildRecipe(secrets);
};

/** Gives the queue the runner, with every kind known; the next pump starts what waits. Called once at start-up (and by tests that run builds in their own process). */
export function startBuildRunner() {
  setBuildRunner(async (buildId, signal) => {
    const ran = await runBuild(buildId, signal, recipeFor);
    // Trends and failure history count a driver build once, when it has ended (other kinds are left alone).
    digestFinishedBuild(buildId);
    // Webhooks hear of it once its outcome and digest are stored; a notice that cannot be queued never fails the build.
    if (ran) {
      try {
        notifyBuildEnded(buildId);
      } catch (error) {
        log().error({ buildId, error: (error as Error).message }, "could not queue the build's webhooks");
      }
    }
    // A channel's catch-up goes through its gate (or says it failed, cancelled too); the queue does not wait for the tag to move or the push.
    void channelBuildEnded(buildId).catch((error: unknown) => log().error({ buildId, error: (error as Error).message }, "could not settle the build's channel"));
  });
}
