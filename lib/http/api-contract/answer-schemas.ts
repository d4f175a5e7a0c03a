import { z } from "zod";
import { ROLES } from "@/lib/auth/roles";
import { DOMAIN_ERROR_CODES } from "@/lib/domain-error";
import { BUILD_KINDS, BUILD_NETWORKS, FLAVOURS, BUILD_STATUSES, DELIVERY_STATUSES, STAGE_STATUSES, WEBHOOK_FORMATS } from "@/lib/vocabulary";
import { retentionPolicySchema, workspaceRetentionSchema } from "@/lib/retention/retention-schemas";

// What the routes answer, as zod schemas: the document's answers are made from
// them, answer-ties.ts holds the lib functions' return types to them, and the
// integration tests check real answers against them.

/** A time as JSON carries it (a Date serialised): ISO 8601 in UTC. */
const instant = z.iso.datetime();
const nullableInstant = instant.nullable();

export const errorAnswerSchema = z
  .object({ error: z.string().meta({ description: "What went wrong, in the user's words." }), code: z.enum(DOMAIN_ERROR_CODES) })
  .meta({ id: "Error", description: "Every refusal and failure: the message and the domain error's code, which picks the HTTP status." });

// Access

export const signedInSchema = z.object({ name: z.string(), role: z.enum(ROLES) });

export const userSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    role: z.enum(ROLES),
    hasPassword: z.boolean(),
    createdAt: instant,
    disabledAt: nullableInstant,
    singleSignOn: z.boolean().meta({ description: "Signs in through the OpenID Connect provider (its role follows the provider's claim)." }),
  })
  .meta({ id: "User" });
export const usersAnswerSchema = z.object({ users: z.array(userSchema) });
export const createdUserSchema = z.object({ id: z.number().int(), name: z.string(), role: z.enum(ROLES), createdAt: instant });
export const disabledUserSchema = z.object({ id: z.number().int(), name: z.string(), disabledAt: instant }).loose();

export const apiTokenSchema = z
  .object({ id: z.number().int(), name: z.string(), user: z.string(), createdAt: instant, lastUsedAt: nullableInstant, revokedAt: nullableInstant })
  .meta({ id: "ApiToken", description: "An API token as listed: never the token itself." });
export const apiTokensAnswerSchema = z.object({ tokens: z.array(apiTokenSchema) });
export const createdApiTokenSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  token: z.string().regex(/^kbt_/).meta({ description: "The token, shown in this answer only: kobuild keeps its sha256." }),
});
export const revokedApiTokenSchema = z.object({ id: z.number().int(), name: z.string(), revokedAt: nullableInstant });

export const auditEntrySchema = z
  .object({ id: z.number().int(), at: instant, actor: z.string(), action: z.string(), target: z.string().nullable(), status: z.number().int().nullable() })
  .meta({ id: "AuditEntry" });
export const auditAnswerSchema = z.object({ entries: z.array(auditEntrySchema) });

// System

const engineProduct = z.enum(["docker", "podman"]).meta({ description: "What answers the Engine API: Docker, or Podman's Docker-compatible service (classic builder only)." });
const reachableEngineState = z.object({ reachable: z.literal(true), product: engineProduct, version: z.string(), apiVersion: z.string(), os: z.string(), arch: z.string(), buildkit: z.boolean() });
const unreachableEngineState = z.object({ reachable: z.literal(false), error: z.string() });

export const healthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    docker: z.union([reachableEngineState.extend({ host: z.string() }), unreachableEngineState.extend({ host: z.string() })]),
    database: z.object({ ok: z.boolean(), error: z.string().optional() }),
    dataDir: z.object({ path: z.string(), freeBytes: z.number().nullable(), totalBytes: z.number().nullable() }),
  })
  .meta({ id: "Health" });

// Workspaces

export const workspaceSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    kind: z.enum(["path", "remote"]),
    url: z.string().nullable(),
    path: z.string(),
    dockerfile: z.string(),
    network: z.enum(BUILD_NETWORKS),
    defaultBranch: z.string().nullable(),
    lastFetch: z.object({ at: instant, error: z.string().nullable() }).nullable(),
    activeBuilds: z.number().int().min(0),
    createdAt: instant,
  })
  .meta({ id: "Workspace" });
export const workspacesAnswerSchema = z.object({ workspaces: z.array(workspaceSchema) });

// Bundles

export const bundleSchema = z
  .object({
    id: z.number().int(),
    kernel: z.string(),
    uname: z.string(),
    distro: z.string(),
    version: z.number().int(),
    major: z.number().int(),
    minor: z.number().int(),
    buildDir: z.string(),
    checksum: z.string().nullable(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    size: z.number().int(),
    addedAt: instant,
  })
  .meta({ id: "Bundle" });
export const bundlesAnswerSchema = z.object({ bundles: z.array(bundleSchema) });

export const bundleSourceSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(["directory", "http"]),
    location: z.string(),
    pollMinutes: z.number().int(),
    createdBy: z.string().nullable(),
    createdAt: instant,
    lastPolledAt: nullableInstant,
    lastStatus: z.enum(["ok", "partial", "failed"]).nullable(),
    lastError: z.string().nullable(),
    lastListed: z.number().int().nullable(),
    lastStored: z.number().int().nullable(),
    lastRefusals: z.array(z.object({ file: z.string(), error: z.string() })),
  })
  .meta({ id: "BundleSource" });
export const bundleSourcesAnswerSchema = z.object({ sources: z.array(bundleSourceSchema) });

// Engines and registries

export const engineSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(["unix", "tcp", "ssh"]),
    url: z.string(),
    certPath: z.string().nullable(),
    concurrency: z.number().int().min(1),
    isDefault: z.boolean(),
    health: z.object({
      reachable: z.boolean(),
      product: engineProduct.nullable(),
      version: z.string().nullable(),
      apiVersion: z.string().nullable(),
      buildkit: z.boolean().nullable(),
      error: z.string().nullable(),
      checkedAt: instant,
    }),
    running: z.number().int().min(0),
    queued: z.number().int().min(0),
  })
  .meta({ id: "Engine" });
export const enginesAnswerSchema = z.object({ engines: z.array(engineSchema) });

export const registrySchema = z
  .object({ id: z.number().int(), name: z.string(), url: z.string(), username: z.string().nullable(), passwordSet: z.boolean(), createdAt: instant })
  .meta({ id: "Registry", description: "A registry: whether a password is set, never the password." });
export const registriesAnswerSchema = z.object({ registries: z.array(registrySchema) });

// Webhooks

export const webhookSchema = z
  .object({ id: z.number().int(), url: z.string(), events: z.array(z.string()), format: z.enum(WEBHOOK_FORMATS), createdBy: z.string().nullable(), createdAt: instant, updatedAt: instant })
  .meta({ id: "Webhook", description: "A webhook: never its secret." });
export const deliverySchema = z
  .object({
    id: z.number().int(),
    webhookId: z.number().int(),
    event: z.string(),
    body: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int().min(0),
    nextAttemptAt: nullableInstant,
    lastAttemptAt: nullableInstant,
    responseStatus: z.number().int().nullable(),
    responseBody: z.string().nullable(),
    error: z.string().nullable(),
    redeliveryOf: z.number().int().nullable(),
    createdAt: instant,
    finishedAt: nullableInstant,
  })
  .meta({ id: "WebhookDelivery" });
export const webhooksAnswerSchema = z.object({ webhooks: z.array(webhookSchema.extend({ deliveries: z.array(deliverySchema) })) });

// Retention

export const retentionSettingsSchema = z
  .object({
    default: retentionPolicySchema,
    workspaces: z.array(z.object({ workspaceId: z.number().int(), name: z.string(), override: workspaceRetentionSchema.nullable() })),
    updatedAt: nullableInstant,
    updatedBy: z.string().nullable(),
  })
  .meta({ id: "RetentionSettings" });

/** What a prune removes (with `dryRun`: would remove), record by record. */
const pruneReason = z.enum(["age", "count"]).meta({ description: "Older than the rule's days, or beyond its count." });
export const prunePlanSchema = z
  .object({
    at: instant,
    builds: z.array(
      z.object({
        id: z.number().int(),
        kind: z.string().meta({ description: "The build's kind (drivers, merge, squash, collector, reproduce)." }),
        status: z.string(),
        workspace: z.string().nullable(),
        createdAt: instant,
        finishedAt: nullableInstant,
        reason: pruneReason,
        shards: z.array(z.number().int()),
        logLines: z.number().int(),
        logBytes: z.number().int(),
      }),
    ),
    logs: z.array(z.object({ buildId: z.number().int(), createdAt: instant, reason: pruneReason, lines: z.number().int(), bytes: z.number().int() })).meta({ description: "Logs of builds that are kept." }),
    failures: z.array(z.object({ imageId: z.number().int(), ref: z.string().nullable(), reason: pruneReason, count: z.number().int(), bytes: z.number().int() })).meta({ description: "Failure logs of images that are kept." }),
    images: z.array(z.object({ id: z.number().int(), ref: z.string().nullable(), dockerId: z.string(), createdAt: instant, reason: pruneReason, drivers: z.number().int(), failures: z.number().int() })),
    keptImages: z.array(z.object({ id: z.number().int(), ref: z.string().nullable(), why: z.string() })).meta({ description: "Images the policy would remove that something still uses." }),
    audit: z.object({ rows: z.number().int(), oldest: nullableInstant, newest: nullableInstant }),
    totals: z.object({ builds: z.number().int(), logLines: z.number().int(), logBytes: z.number().int(), failures: z.number().int(), images: z.number().int(), auditRows: z.number().int() }),
  })
  .meta({ id: "PrunePlan" });

// Builds

const taskCounts = z.object({ built: z.number().int(), failed: z.number().int(), unavailable: z.number().int() });

export const buildListItemSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(BUILD_KINDS),
    status: z.enum(BUILD_STATUSES),
    workspace: z.string().nullable(),
    branch: z.string().nullable(),
    commit: z.string().nullable(),
    commitDirty: z.boolean().nullable(),
    options: z.array(z.string()).meta({ description: "What sets the build apart from a default one, in the build args' words." }),
    tag: z.string().nullable(),
    target: z.string().nullable(),
    startedBy: z.string().nullable(),
    createdAt: instant,
    startedAt: nullableInstant,
    finishedAt: nullableInstant,
    durationMs: z.number().nullable(),
    plan: z.object({ planned: z.number().int().nullable(), done: z.number().int() }),
    drivers: taskCounts,
    error: z.string().nullable(),
  })
  .meta({ id: "BuildListItem" });
export const buildListSchema = z.object({ total: z.number().int(), page: z.number().int(), perPage: z.number().int(), builds: z.array(buildListItemSchema) });

export const buildSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(BUILD_KINDS),
    status: z.enum(BUILD_STATUSES),
    workspace: z.object({ id: z.number().int().nullable(), name: z.string() }).nullable(),
    branch: z.string().nullable(),
    commit: z.string().nullable(),
    commitDirty: z.boolean().nullable(),
    options: z.record(z.string(), z.unknown()).meta({ description: "The build's options (an image operation's inputs), never credentials." }),
    target: z.string().nullable(),
    tag: z.string().nullable(),
    builder: z.enum(["buildkit", "classic"]).nullable(),
    engine: z.object({ id: z.string(), name: z.string() }).nullable(),
    parent: z.object({ id: z.number().int(), shard: z.number().int().nullable(), attempt: z.number().int().nullable() }).nullable(),
    shards: z.array(z.record(z.string(), z.unknown())).nullable().meta({ description: "A sharded build's lanes, each with its attempts." }),
    image: z.object({ id: z.number().int(), dockerId: z.string(), ref: z.string().nullable() }).nullable(),
    error: z.string().nullable(),
    failedStep: z.string().nullable(),
    warnings: z.array(z.string()),
    startedBy: z.string().nullable(),
    createdAt: instant,
    startedAt: nullableInstant,
    finishedAt: nullableInstant,
    durationMs: z.number().nullable(),
    plan: z.object({
      planned: z.number().int().nullable(),
      done: z.number().int(),
      builders: z.unknown().meta({ description: "Tasks planned and done per builder." }),
      source: z.unknown().meta({ description: "How the plan was learnt; null before it is read." }),
    }),
    stages: z.array(z.object({ name: z.string(), status: z.enum(STAGE_STATUSES), startedAt: nullableInstant, finishedAt: nullableInstant, durationMs: z.number().nullable() })),
  })
  .meta({ id: "Build" });

/** What a build with the given body would plan, nothing of it kept. */
const planCount = z.number().int().min(0);
export const buildPlanPreviewSchema = z
  .object({
    workspace: z.object({ id: z.number().int(), name: z.string() }),
    branch: z.string(),
    commit: z.string().nullable().meta({ description: "The commit checked out, when the build would check one out." }),
    moduleVersions: z.array(z.object({ moduleVersion: z.string(), bpf: z.boolean() })),
    kernels: z.object({
      source: z.enum(["KERNEL_VERSIONS", "bundles"]),
      count: planCount.meta({ description: "Kernels the task master was given." }),
      leftOut: z.array(z.string()).meta({ description: "Kernels given that it planned nothing for, without a cache or BLOCKLIST reason." }),
    }),
    cache: z.object({ image: z.string(), status: z.enum(["read", "missing", "unknown"]), error: z.string().nullable(), tasks: planCount.nullable() }).nullable(),
    total: planCount,
    toBuild: planCount,
    fromCache: planCount,
    blocklisted: planCount,
    notPlanned: planCount,
    perBuilder: z.object({ "rhel-8": planCount, "rhel-7": planCount }),
    perModuleVersion: z.record(z.string(), z.object({ mod: planCount, bpf: planCount, fromCache: planCount, blocklisted: planCount })),
    blocklistedTasks: z
      .array(z.object({ kernel: z.string(), moduleVersion: z.string(), flavour: z.enum(FLAVOURS), rule: z.object({ file: z.string(), line: z.number().int(), text: z.string() }) }))
      .meta({ description: "The first 500 tasks BLOCKLIST removes, each with its rule." }),
    blocklistProblems: z.array(z.object({ file: z.string(), line: z.number().int(), text: z.string(), error: z.string() })),
    problems: z.array(z.string()).meta({ description: "What would stop the build." }),
    durationMs: z.number().min(0),
  })
  .meta({ id: "BuildPlanPreview" });

// Images, registries and driver files

export const driverFileSchema = z.object({
  image: z.object({ id: z.number().int(), dockerId: z.string(), ref: z.string().nullable() }),
  driver: z.object({
    kernel: z.string(),
    moduleVersion: z.string(),
    flavour: z.enum(FLAVOURS),
    kind: z.enum(["driver", "marker"]),
    path: z.string(),
    size: z.number().int(),
    sha256: z.string().nullable(),
  }),
});

export const pushedImageSchema = z.object({
  ref: z.string(),
  digest: z.string().nullable(),
  registry: z.object({ id: z.number().int(), name: z.string() }),
  image: z.object({ id: z.number().int(), dockerId: z.string() }),
});

export const registryTagsSchema = z.object({
  registry: z.object({ id: z.number().int(), name: z.string(), url: z.string() }),
  repository: z.string(),
  tags: z.array(z.string()),
});

export const bundleSourcePollSchema = z.object({
  status: z.enum(["ok", "partial", "failed"]),
  error: z.string().nullable(),
  listed: z.number().int(),
  stored: z.number().int(),
  duplicates: z.number().int(),
  remaining: z.number().int(),
  refusals: z.array(z.object({ file: z.string(), error: z.string() })),
});

export const acknowledgementSchema = z.object({ id: z.number().int(), groupId: z.number().int(), by: z.string(), owner: z.string(), note: z.string(), at: instant });

/** The document itself, as far as a client needs to recognise it. */
export const openApiAnswerSchema = z.object({ openapi: z.literal("3.1.0"), info: z.object({ title: z.string(), version: z.string() }).loose(), paths: z.record(z.string(), z.unknown()) }).loose();

export const pulledImageSchema = z.object({
  ref: z.string(),
  dockerId: z.string(),
  size: z.number().int(),
  image: z.object({ id: z.number().int(), drivers: z.number().int(), layers: z.number().int().nullable() }).nullable(),
  note: z.string().nullable().meta({ description: "Why the image was pulled but not read as a driver image." }),
});

// Bundle uploads: one result per file.

const uploadResultSchema = z.discriminatedUnion("status", [
  z.object({ file: z.string(), status: z.enum(["stored", "duplicate"]), bundle: bundleSchema }),
  z.object({ file: z.string(), status: z.literal("replaced"), bundle: bundleSchema, previous: z.object({ sha256: z.string(), size: z.number().int() }) }),
  z.object({
    file: z.string(),
    status: z.literal("rejected"),
    error: z.string(),
    httpStatus: z.number().int().meta({ description: "The status this file's refusal would have alone." }),
    conflict: z.object({ kernel: z.string(), storedSha256: z.string(), sha256: z.string() }).optional(),
  }),
]);
export const bundleUploadSchema = z.object({ results: z.array(uploadResultSchema) });
/** Every file refused: the first one's message, and each file's result. */
export const bundleUploadRefusedSchema = z.union([errorAnswerSchema, z.object({ error: z.string(), results: z.array(uploadResultSchema) })]);

// Workspace refs and re-runs

const refSchema = z.object({ name: z.string(), commit: z.string(), subject: z.string(), date: z.string() });
export const workspaceRefsSchema = z.object({
  workspace: z.object({ id: z.number().int(), name: z.string(), kind: z.enum(["path", "remote"]) }),
  branches: z.array(refSchema),
  tags: z.array(refSchema),
  head: z.string().nullable(),
  defaultBranch: z.string().nullable(),
  moduleVersion: z.string().nullable().meta({ description: "kernel-modules/MODULE_VERSION of the working tree." }),
  released: z.array(z.object({ collectorVersion: z.string(), moduleVersion: z.string().nullable(), status: z.enum(["ok", "missing-tag", "missing-module-version", "invalid-tag-name"]) })),
  releasedModuleVersions: z.array(z.string()),
  kernelVersions: z.number().int().meta({ description: "How many kernels KERNEL_VERSIONS lists." }),
});

export const rerunPreviewSchema = z.object({
  buildId: z.number().int(),
  tasks: z.number().int().meta({ description: "Tasks a re-run would build (of kernels with a stored bundle)." }),
  kernels: z.array(z.object({ kernel: z.string(), tasks: z.array(z.string()).meta({ description: '"<module version> <flavour>" each.' }), bundle: z.boolean() })),
});
