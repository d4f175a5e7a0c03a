import { z } from "zod";
import { DomainError } from "@/lib/domain-error";
import { BUILD_NETWORKS, FLAVOURS } from "@/lib/vocabulary";
import { SQUASH_ABOVE_LAYERS_MAX } from "@/lib/driver-images/layer-limit";

// The one schema of `builds.options`: what a build of each kind keeps of what
// it was asked, never a secret value. The column is typed by it, and readers
// parse it, so a row written by an older kobuild is read with its defaults
// rather than cast into shape.

/** How a build is split over engines, as the launcher and `POST /api/builds` take it. */
export const shardingSchema = z
  .object({
    /** How many engines (one shard each), or every engine that answers when the build starts. */
    engines: z.union([z.number().int().min(1).max(64), z.literal("all")]),
    /** The registry that carries shard images between engines; needed as soon as a shard runs away from the default engine. */
    registryId: z.number().int().positive().nullish(),
    /** Attempts per shard, the first included: a shard whose build fails or whose engine dies is tried again on another engine. */
    maxAttempts: z.number().int().min(1).max(5).default(3),
    /** Squash the merged result only when it has more layers than this (a channel's policy); without it, always squash. */
    squashAboveLayers: z.number().int().min(1).max(SQUASH_ABOVE_LAYERS_MAX).nullish(),
  })
  .strict();

export type ShardingOptions = z.infer<typeof shardingSchema>;

/**
 * Stored on a re-run: the build whose failed and missing tasks it builds, its
 * image (the re-run's cache, and what its result is merged onto), and the
 * name that image has while the re-run runs.
 */
const rerunOfSchema = z.object({ buildId: z.number().int(), dockerId: z.string(), imageRef: z.string(), tasks: z.number().int() });
export type RerunOf = z.infer<typeof rerunOfSchema>;

/** Stored on each shard's build: where its image goes so the coordinator's engine can merge it. */
const shardPushSchema = z.object({ registryId: z.number().int() }).nullable();
export type ShardPush = z.infer<typeof shardPushSchema>;

/** A driver build's options, as its build args and `docker build` flags. Defaults are those of `POST /api/builds`. */
export const driverBuildOptionsSchema = z.object({
  branch: z.string(),
  legacyProbes: z.boolean().default(false),
  useKernelsFile: z.boolean().default(false),
  cacheRepo: z.string().nullable().default(null),
  cacheTag: z.string().nullable().default(null),
  checkoutBeforePatching: z.boolean().default(true),
  buildJobs: z.number().int().positive().optional(),
  builder: z.enum(["auto", "buildkit", "classic"]).default("auto"),
  /** Absent in builds stored before the choice existed: they ran with network none. */
  network: z.enum(BUILD_NETWORKS).optional(),
  noCache: z.boolean().optional(),
  pull: z.boolean().optional(),
});
export type DriverBuildOptions = z.infer<typeof driverBuildOptionsSchema>;

/**
 * Stored on a reproduction (kind `reproduce`): the driver it makes again, as
 * the published image holds it, and once it has ended, how the new file compares.
 */
const reproduceSchema = z.object({
  imageId: z.number().int(),
  kernel: z.string(),
  moduleVersion: z.string(),
  flavour: z.enum(FLAVOURS),
  path: z.string(),
  sha256: z.string(),
  /** The build that compiled the driver, whose inputs this one takes again. */
  originBuildId: z.number().int(),
  result: z.object({ identical: z.boolean(), expected: z.string(), actual: z.string().nullable(), differences: z.array(z.string()) }).nullish(),
});
export type ReproduceOptions = z.infer<typeof reproduceSchema>;

/** A driver build's row: its options, the bundles it was sent, and how it is split or what it re-runs. */
export const storedBuildOptionsSchema = driverBuildOptionsSchema.extend({
  bundleIds: z.array(z.number().int()).nullable().default(null),
  redhatCredentials: z.boolean().default(false),
  sharding: shardingSchema.nullish(),
  rerunOf: rerunOfSchema.nullish(),
  push: shardPushSchema.optional(),
  /** A shard: the commit its sharded build chose, which every shard builds; a reproduction: the commit it makes again. */
  commit: z.string().nullish(),
  reproduce: reproduceSchema.nullish(),
});
export type StoredBuildOptions = z.infer<typeof storedBuildOptionsSchema>;

/** The Dockerfile text an operation ran with, kept so a later change of the workspace's file does not rewrite history. */
const dockerfile = z.string().optional();

/** What an image operation records (never credentials). */
export const operationOptionsSchema = z.discriminatedUnion("operation", [
  z.object({ operation: z.literal("merge"), driversRepo: z.string(), baseTag: z.string(), extraTags: z.array(z.string()), dockerfile }),
  z.object({
    operation: z.literal("squash"),
    driversRepo: z.string(),
    driversTag: z.string(),
    /** The layers of the image before the squash, and its record, read when the squash starts. */
    layersBefore: z.number().int().nullish(),
    inputImageId: z.number().int().optional(),
    dockerfile,
  }),
  z.object({
    operation: z.literal("collector"),
    collectorRepo: z.string(),
    collectorTag: z.string(),
    driversRepo: z.string(),
    driversTag: z.string(),
    moduleVersion: z.string(),
    dockerfile,
  }),
]);
export type OperationOptions = z.infer<typeof operationOptionsSchema>;
export type OperationOptionsOf<K extends OperationOptions["operation"]> = Extract<OperationOptions, { operation: K }>;

/** `builds.options`, whatever the build's kind. */
export const buildOptionsSchema = z.union([operationOptionsSchema, storedBuildOptionsSchema]);
/**
 * What a row may hold: a value of the schema (perhaps written before a
 * defaulted field existed), or the column's default `{}` of a row whose
 * options are written in the same transaction.
 */
export type BuildOptionsRow = z.input<typeof buildOptionsSchema> | Record<string, never>;

function unreadable(buildId: number, error: z.ZodError): DomainError {
  const issue = error.issues[0];
  return new DomainError("internal", `build ${buildId} has options kobuild cannot read (${issue ? `${issue.path.join(".") || "options"}: ${issue.message}` : "unknown shape"})`);
}

/** A driver build's options, parsed: a row of another kind is refused. */
export function driverOptionsOf(build: { id: number; options: unknown }): StoredBuildOptions {
  const parsed = storedBuildOptionsSchema.safeParse(build.options);
  if (!parsed.success) throw unreadable(build.id, parsed.error);
  return parsed.data;
}

/** An image operation's options, parsed and of the operation asked for. */
export function operationOptionsOf<K extends OperationOptions["operation"]>(build: { id: number; options: unknown }, operation: K): OperationOptionsOf<K> {
  const parsed = operationOptionsSchema.safeParse(build.options);
  if (!parsed.success) throw unreadable(build.id, parsed.error);
  if (parsed.data.operation !== operation) throw new DomainError("internal", `build ${build.id} is a ${parsed.data.operation}, not a ${operation}`);
  return parsed.data as OperationOptionsOf<K>;
}

/** An operation's options when the row holds one, else null (a driver build). */
export function operationOptionsIn(options: unknown): OperationOptions | null {
  const parsed = operationOptionsSchema.safeParse(options);
  return parsed.success ? parsed.data : null;
}

/** The options as pages and the API show them: a driver build's with its defaults filled in, an operation's as stored. */
export type BuildOptionsView = Partial<StoredBuildOptions> & Partial<Record<string, unknown>>;

export function buildOptionsView(options: unknown): BuildOptionsView {
  const parsed = buildOptionsSchema.safeParse(options);
  return parsed.success ? parsed.data : {};
}
