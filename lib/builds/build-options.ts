import type { DriverBuildOptions } from "./build-args";
import type { RerunOf, ShardingOptions, ShardPush } from "./shards/sharding-options";

/** A driver build's options as its row keeps them (builds.options), never with secret values. */
export type StoredBuildOptions = DriverBuildOptions & {
  bundleIds: number[] | null;
  redhatCredentials: boolean;
  sharding?: ShardingOptions | null;
  rerunOf?: RerunOf | null;
  push?: ShardPush;
  /** A shard: the commit its sharded build chose, which every shard builds. */
  commit?: string | null;
};
