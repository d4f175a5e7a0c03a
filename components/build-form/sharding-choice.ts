// How a build is spread over engines, as the build form and the re-run
// dialog hold it, and how it becomes the `sharding` of a request body.
// Pure, so the mapping is tested on its own.

export type EnginesChoice = "one" | "count" | "all";

export type ShardingChoice = {
  engines: EnginesChoice;
  /** Shards wanted when `engines` is "count": a field's text, checked by the server. */
  engineCount: string;
  /** "": no registry, every shard on the default engine. */
  registryId: string;
  maxAttempts: string;
};

/** What `POST /api/builds` and the re-run take as `sharding`. */
export type ShardingBody = { engines: number | "all"; registryId: number | null; maxAttempts: number };

export const DEFAULT_SHARDING_CHOICE: ShardingChoice = { engines: "one", engineCount: "2", registryId: "", maxAttempts: "3" };

/** The body's `sharding`; null for one engine (the build as it always ran). */
export function toSharding(choice: ShardingChoice): ShardingBody | null {
  if (choice.engines === "one") return null;
  return {
    engines: choice.engines === "all" ? "all" : Number(choice.engineCount),
    registryId: choice.registryId ? Number(choice.registryId) : null,
    maxAttempts: Number(choice.maxAttempts),
  };
}

/** The choice a stored build's `options.sharding` made, for "run again". */
export function shardingChoiceOf(sharding: unknown): ShardingChoice {
  if (typeof sharding !== "object" || sharding === null) return DEFAULT_SHARDING_CHOICE;
  const s = sharding as Partial<Record<keyof ShardingBody, unknown>>;
  return {
    engines: s.engines === "all" ? "all" : typeof s.engines === "number" ? "count" : "one",
    engineCount: typeof s.engines === "number" ? String(s.engines) : DEFAULT_SHARDING_CHOICE.engineCount,
    registryId: typeof s.registryId === "number" ? String(s.registryId) : "",
    maxAttempts: typeof s.maxAttempts === "number" ? String(s.maxAttempts) : DEFAULT_SHARDING_CHOICE.maxAttempts,
  };
}

/** One line for the plan: how the tasks are split, and where the shards run. */
export function describeShardSplit(choice: ShardingChoice): string | null {
  if (choice.engines === "one") return null;
  const where = choice.registryId ? "" : ", all on the default engine (no registry)";
  if (choice.engines === "all") return `Split into one shard per engine that answers, by task count${where}.`;
  const n = Number(choice.engineCount);
  if (!Number.isInteger(n) || n < 1) return null;
  return `Split into up to ${n} shard${n === 1 ? "" : "s"} by task count${where}.`;
}
