import { z } from "zod";

/** How a build is split over engines, as the launcher and `POST /api/builds` take it. */
export const shardingSchema = z
  .object({
    /** How many engines (one shard each), or every engine that answers when the build starts. */
    engines: z.union([z.number().int().min(1).max(64), z.literal("all")]),
    /** The registry that carries shard images between engines; needed as soon as a shard runs away from the default engine. */
    registryId: z.number().int().positive().nullish(),
    /** Attempts per shard, the first included: a shard whose build fails or whose engine dies is tried again on another engine. */
    maxAttempts: z.number().int().min(1).max(5).default(3),
  })
  .strict();

export type ShardingOptions = z.infer<typeof shardingSchema>;

/**
 * Stored on a re-run: the build whose failed and missing tasks it builds, its
 * image (the re-run's cache, and what its result is merged onto), and the
 * name that image has while the re-run runs.
 */
export type RerunOf = { buildId: number; dockerId: string; imageRef: string; tasks: number };

/** Stored on each shard's build: where its image goes so the coordinator's engine can merge it. */
export type ShardPush = { registryId: number } | null;

/** A build that coordinates shards (rather than running one `docker build` itself). */
export function isShardedBuild(options: unknown): boolean {
  return typeof options === "object" && options !== null && "sharding" in options && (options as { sharding: unknown }).sharding != null;
}
