import "server-only";
import { DEFAULT_ENGINE_ID } from "@/lib/engines/engine-store";
import { removeTag } from "../temporary-tags";
import type { RegistryRow } from "@/lib/registries/registry-store";
import { pullFromRegistryRow, pushImageRef } from "@/lib/registries/registry-transfer";
import type { BuildSession } from "../build-session";
import type { DoneShard } from "./shard-runner";

/**
 * Moves each shard's image as soon as its shard is done, while the others
 * still build, so that the merge waits only for the last one: an image built
 * on another engine (which pushed it itself) is pulled to the coordinator's
 * engine; an image built on the coordinator's engine is pushed to the
 * registry beside the merge, which reads it locally.
 */
export function shardTransfers(session: BuildSession, registry: RegistryRow | null) {
  // Settled to the error or null: a failed transfer is reported where it matters, never as an unhandled rejection.
  const pulls = new Map<number, Promise<unknown>>();
  const pushes: { shard: DoneShard; done: Promise<unknown> }[] = [];
  const local: string[] = [];
  const settle = (p: Promise<unknown>) => p.then(() => null, (error: unknown) => error);

  return {
    start(shard: DoneShard) {
      if (!registry) {
        local.push(shard.ref);
      } else if (shard.engineId === DEFAULT_ENGINE_ID) {
        local.push(shard.ref);
        session.note(`pushing shard ${shard.index}'s image ${shard.ref} to the registry`, "shards");
        pushes.push({ shard, done: settle(pushImageRef(session.engine, shard.ref, registry, session.signal)) });
      } else {
        session.note(`pulling shard ${shard.index}'s image ${shard.ref}`, "shards");
        pulls.set(shard.index, settle(pullFromRegistryRow(session.engine, shard.ref, registry, session.signal).then(() => local.push(shard.ref))));
      }
    },

    /** Resolves once the shard's image is on the coordinator's engine. */
    async pulled(shard: DoneShard) {
      const error = await pulls.get(shard.index);
      if (error) throw new Error(`shard ${shard.index}'s image could not be pulled: ${(error as Error).message}`);
    },

    /** Waits for every transfer, names the pushes that failed, and removes the shards' images from this engine. */
    async finish() {
      await Promise.all(pulls.values());
      for (const { shard, done } of pushes) {
        const error = await done;
        if (error) session.warn(`shard ${shard.index}'s image could not be pushed to the registry: ${(error as Error).message}`);
        else session.note(`pushed shard ${shard.index}'s image ${shard.ref}`, "shards");
      }
      // The shards stay in the registry; this engine keeps only the result.
      for (const ref of local) await removeTag(session, ref);
    },
  };
}
