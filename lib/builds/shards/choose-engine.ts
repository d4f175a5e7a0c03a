/**
 * The engine for a shard's next attempt: one that answers and has not run
 * this shard yet, else one that answers other than where it last failed,
 * else the same one if it answers again; among those, the one with the
 * fewest shards of this build running. Null when no engine answers.
 */
export function chooseRetryEngine(healthy: readonly string[], tried: readonly string[], load: ReadonlyMap<string, number>): string | null {
  if (healthy.length === 0) return null;
  const untried = healthy.filter((id) => !tried.includes(id));
  const notLast = healthy.filter((id) => id !== tried.at(-1));
  const pool = untried.length > 0 ? untried : notLast.length > 0 ? notLast : healthy;
  return pool.reduce((best, id) => ((load.get(id) ?? 0) < (load.get(best) ?? 0) ? id : best));
}
