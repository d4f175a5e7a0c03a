import "server-only";
import { splitImageRef } from "@/lib/docker/image/image-ref";
import { readOperationDockerfile } from "@/lib/workspace/operation-dockerfile";
import { dockerfileContext } from "../build-context";
import type { BuildSession } from "../build-session";
import { parseDockerfileStages } from "../dockerfile-stages";
import { removeTag } from "../temporary-tags";
import type { DoneShard } from "./shard-runner";
import type { shardTransfers } from "./shard-transfers";

type MergeSettings = {
  driversRepo: string;
  /** The prefix of the temporary tags (the shards' own tags start with it too). */
  base: string;
  /** What the shards merge onto: the cache, or the image a re-run completes; null: onto the first shard that arrives. */
  onto: string | null;
  /** How many shards the build was split into. */
  shards: number;
  transfers: ReturnType<typeof shardTransfers>;
};

/**
 * Merges each shard's image onto the running merged image as soon as it is
 * on the coordinator's engine, while the other shards still build, with the
 * workspace's Dockerfile.merge: one merge at a time, in the order the images
 * arrive, onto the base first (the cache, the image a re-run completes, or
 * else the first image to arrive). The shards hold disjoint kernels, so that
 * order does not change the result; once the last shard ends, only its merge
 * is left. A shard given up is never merged: the result is partial.
 */
export function arrivingMerges(session: BuildSession, m: MergeSettings) {
  // Tags made here, removed by stop(): added before the engine makes them, so that a cancelled merge leaves none.
  const local: string[] = [];
  const arrivals = new Map<number, Promise<void>>();
  const merged: number[] = [];
  let current: string | null = null;
  let merges = 0;
  let lost = 0;
  let stopped = false;
  let mergeFile: { text: string } | null = null;
  let chain: Promise<void> = Promise.resolve();
  // The merges this build will make, as far as is known now: one less for every shard given up.
  const total = () => (m.onto ? 1 : 0) + m.shards - lost - 1;

  /** Runs `step` after the steps queued before it; a failed step stops the ones after it, and result() reports it. */
  const queue = (step: () => Promise<void>) => {
    chain = chain.then(() => (stopped ? undefined : step()));
    chain.catch(() => undefined);
  };

  if (m.onto) {
    const onto = m.onto;
    queue(async () => {
      // Dockerfile.merge reads both images from one repository: the base gets a name there.
      const baseRef = `${m.base}-base`;
      local.push(baseRef);
      await session.engine.getImage(onto).tag(splitImageRef(baseRef));
      current = baseRef;
    });
  }

  async function mergeOnto(shard: DoneShard) {
    session.signal.throwIfAborted();
    if (current === null) {
      current = shard.ref;
      merged.push(shard.index);
      session.note(`shard ${shard.index}'s image ${shard.ref} arrived first: the others are merged onto it`, "merge");
      return;
    }
    const k = merges + 1;
    if (k === 1) session.markStage("merge", "running", `0 of ${total()} merged`);
    mergeFile ??= await readOperationDockerfile(session.db, "merge", session.build.workspaceId);
    const output = `${m.base}-merged-${k}`;
    local.push(output);
    session.note(`merging shard ${shard.index}'s image ${shard.ref} (${k} of ${total()})`, "merge");
    await session.runOnEngine(
      {
        context: dockerfileContext(mergeFile.text),
        dockerfile: "Dockerfile",
        stages: parseDockerfileStages(mergeFile.text),
        buildargs: { DRIVER_REPO: m.driversRepo, DRIVERS_REPO: m.driversRepo, BASE_TAG: tagOf(current), DRIVER_TAG: tagOf(shard.ref), EXTRA_DRIVERS: tagOf(shard.ref) },
        tag: output,
      },
      { stage: "merge", keyPrefix: `merge-${k}:` },
    );
    merges = k;
    current = output;
    merged.push(shard.index);
    session.note(`${k} of ${total()} merged (${shard.ref})`, "merge");
    session.markStage("merge", "running", `${k} of ${total()} merged`);
  }

  return {
    /** A shard is done: its image is merged once it is on this engine, after the images that arrived before it. */
    arrive(shard: DoneShard) {
      const arrival = m.transfers.pulled(shard).then(() => queue(() => mergeOnto(shard)));
      // A failed pull is reported by result(), where the build waits for every image.
      arrival.catch(() => undefined);
      arrivals.set(shard.index, arrival);
    },

    /** A shard was given up: it will not be merged. */
    lose() {
      lost++;
    },

    /** Waits for every done shard's image to be merged, and returns the merged image's ref. */
    async result(done: DoneShard[]): Promise<string> {
      for (const shard of done) {
        const arrival = arrivals.get(shard.index);
        if (!arrival) throw new Error(`shard ${shard.index} is done but was never sent to the merge`);
        await arrival;
      }
      await chain;
      // Each done shard in the result once: a shard merged twice or not at all would be a fault of this code.
      const want = done.map((s) => s.index).sort((a, b) => a - b);
      const have = [...merged].sort((a, b) => a - b);
      if (want.join() !== have.join()) throw new Error(`the merged image holds shard(s) ${have.join(", ") || "none"}, not ${want.join(", ")}`);
      if (current === null) throw new Error("nothing to merge: no shard's image and no image to complete");
      session.markStage("merge", "done", merges === 0 ? "one image: nothing to merge" : `${merges} of ${merges} merged`);
      return current;
    },

    /** Stops merging (a merge in flight ends with the build's signal) and removes the temporary tags. */
    async stop() {
      stopped = true;
      await chain.catch(() => undefined);
      for (const ref of local) await removeTag(session, ref);
    },
  };
}

/** The tag of a temporary ref kobuild made (repo:tag). */
export const tagOf = (ref: string) => splitImageRef(ref).tag;
