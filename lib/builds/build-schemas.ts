import { z } from "zod";
import { parseImageRef } from "@/lib/docker/image/image-ref";
import { isValidRefName } from "@/lib/workspace/ref-name";
import { BUILD_NETWORKS, BUILD_STATUSES } from "@/lib/vocabulary";
import { shardingSchema } from "@/lib/build-options";

// Docker's grammar for repository paths and tags, checked before any value
// reaches the engine.
const repository = z
  .string()
  .max(255)
  .regex(
    /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/,
    "must be a repository such as quay.io/rhacs-eng or 127.0.0.1:5000/drivers",
  );
const tag = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "must be a tag: letters, digits, _ . - and at most 128 characters");
const imageRef = z
  .string()
  .max(400)
  .refine((v) => {
    try {
      return parseImageRef(v).repository !== null;
    } catch {
      return false;
    }
  }, "must be an image reference such as kobuild/collector-drivers:nightly");
export const buildNetworkSchema = z.enum(BUILD_NETWORKS);

const refName = z.string().min(1).max(255).refine(isValidRefName, "must be a git branch or tag name");

export const createBuildBodySchema = z
  .object({
    workspaceId: z.number().int().positive(),
    /** BRANCH; absent: the workspace's default branch (a remote's HEAD, a checkout's current branch). */
    branch: refName.optional(),
    legacyProbes: z.boolean().default(false),
    useKernelsFile: z.boolean().default(false),
    cacheRepo: repository.nullish(),
    cacheTag: tag.nullish(),
    checkoutBeforePatching: z.boolean().default(true),
    redhatUsername: z.string().max(256).optional(),
    // Masked wherever it appears in the log, so never a short word that plain output could hold too.
    redhatPassword: z
      .string()
      .max(1024)
      .refine((v) => v === "" || v.length >= 8, "must be at least 8 characters")
      .optional(),
    /** Exactly these bundles; absent or null: every stored bundle. An empty list would build nothing. */
    bundleIds: z.array(z.number().int().positive()).min(1, "must name at least one bundle (leave it out to send every stored bundle)").max(100_000).nullish(),
    target: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, "must be a stage name").nullish(),
    tag: imageRef.nullish(),
    buildJobs: z.number().int().min(0).max(256).optional(),
    builder: z.enum(["auto", "buildkit", "classic"]).default("auto"),
    /** The network of RUN steps, as `docker build --network`; absent: the workspace's choice. */
    network: buildNetworkSchema.optional(),
    /** `docker build --no-cache`: no step comes from the engine's cache. */
    noCache: z.boolean().default(false),
    /** `docker build --pull`: base images are pulled even when the engine has them. */
    pull: z.boolean().default(false),
    /** Split over several engines and merged; absent: one build on the default engine. */
    sharding: shardingSchema.nullish(),
  })
  .strict()
  .refine((b) => !(b.sharding && b.target), { message: "a sharded build makes the whole image: it takes no target", path: ["target"] })
  .refine((b) => !b.cacheRepo === !b.cacheTag, { message: "cacheRepo and cacheTag go together", path: ["cacheTag"] });

export type CreateBuildBody = z.infer<typeof createBuildBodySchema>;

export const buildIdParamsSchema = z.object({ id: z.string().regex(/^\d{1,12}$/, "must be a build id").transform(Number) });

export const listBuildsQuerySchema = z.object({
  status: z.enum(BUILD_STATUSES).optional(),
  branch: refName.optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  perPage: z.coerce.number().int().min(1).max(200).default(50),
});

export const buildLogsQuerySchema = z.object({
  stage: z.string().max(128).optional(),
  /** `1`: save the log as a file instead of showing it. */
  download: z.enum(["0", "1"]).optional(),
  /** `ndjson`: one JSON object per line with its number, stage, stream and time. */
  format: z.enum(["text", "ndjson"]).default("text"),
});
