/** A build that coordinates shards (rather than running one `docker build` itself). */
export function isShardedBuild(options: unknown): boolean {
  return typeof options === "object" && options !== null && "sharding" in options && (options as { sharding: unknown }).sharding != null;
}
