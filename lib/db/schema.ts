import { sql } from "drizzle-orm";
import type { BuildOptionsRow } from "@/lib/build-options";
import { BUILD_KINDS, BUILD_NETWORKS, BUILD_STATUSES, CHANNEL_STATES, DELIVERY_STATUSES, FLAVOURS, STAGE_STATUSES, WEBHOOK_FORMATS, type BuildPlanRecord, type BuilderProgress } from "@/lib/vocabulary";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";

// Times are milliseconds since the epoch. Drivers and failures belong to an
// image (what a build produced, a merge result, or an image kobuild was asked
// to read) so that coverage works the same for every kind of image.

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`);

export const engines = sqliteTable("engines", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  /** unix, tcp or ssh: how the client reaches the engine. */
  kind: text("kind", { enum: ["unix", "tcp", "ssh"] }).notNull(),
  url: text("url").notNull(),
  /** For tcp: a directory on the dashboard's host with ca.pem, cert.pem and key.pem (TLS with client certificates). */
  certPath: text("cert_path"),
  /** Builds this engine runs at once. */
  concurrency: integer("concurrency").notNull().default(1),
  createdAt: createdAt(),
});

/**
 * A driver repository: a checkout on the dashboard's host (`path`), or a git
 * remote (`remote`) that kobuild clones into its data directory (`path` is
 * then that clone) and fetches before each build.
 */
export const workspaces = sqliteTable("workspaces", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  kind: text("kind", { enum: ["path", "remote"] }).notNull().default("path"),
  path: text("path").notNull().unique(),
  /** For a remote: its URL, never with a password. */
  url: text("url").unique(),
  /** For a remote: the branch its HEAD names, as of the last fetch. */
  defaultBranch: text("default_branch"),
  /** For a remote: when kobuild last fetched it, and why that fetch failed (null when it worked). */
  lastFetchAt: integer("last_fetch_at", { mode: "timestamp_ms" }),
  lastFetchError: text("last_fetch_error"),
  /** Path of the dockerized Dockerfile inside the checkout. */
  dockerfile: text("dockerfile").notNull().default("kernel-modules/dockerized/Dockerfile"),
  /** The network of its builds' RUN steps unless a build chooses another (lib/vocabulary BUILD_NETWORKS). */
  network: text("network", { enum: BUILD_NETWORKS }).notNull().default("default"),
  createdAt: createdAt(),
});

export const bundles = sqliteTable(
  "bundles",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The bundle id: the file name without `bundle-` and `.tgz`. */
    kernel: text("kernel").notNull().unique(),
    uname: text("uname").notNull(),
    distro: text("distro").notNull(),
    version: integer("version").notNull(),
    major: integer("major").notNull(),
    minor: integer("minor").notNull(),
    buildDir: text("build_dir").notNull(),
    checksum: text("checksum"),
    /** sha256 of the archive as stored: two uploads with the same content are one bundle. */
    sha256: text("sha256").notNull().unique(),
    size: integer("size").notNull(),
    addedAt: createdAt(),
  },
  (t) => [index("bundles_distro").on(t.distro), index("bundles_version").on(t.version)],
);

/**
 * Where bundles come from by themselves: a directory on the dashboard's host
 * or an HTTP(S) listing of bundle-*.tgz, polled; new bundles are fetched and
 * stored as uploads are.
 */
export const bundleSources = sqliteTable("bundle_sources", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  kind: text("kind", { enum: ["directory", "http"] }).notNull(),
  /** An absolute directory path, or the listing's http(s) URL. */
  location: text("location").notNull().unique(),
  pollMinutes: integer("poll_minutes").notNull(),
  createdBy: text("created_by"),
  createdAt: createdAt(),
  lastPolledAt: integer("last_polled_at", { mode: "timestamp_ms" }),
  /** ok, partial (some files refused) or failed (the listing could not be read). */
  lastStatus: text("last_status", { enum: ["ok", "partial", "failed"] }),
  lastError: text("last_error"),
  lastListed: integer("last_listed"),
  lastStored: integer("last_stored"),
  /** The files the last poll could not store, with why (at most 20). */
  lastRefusals: text("last_refusals", { mode: "json" }).$type<{ file: string; error: string }[]>().notNull().default([]),
});

export const images = sqliteTable(
  "images",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** repository:tag as the user knows it; null for an untagged build result. */
    ref: text("ref"),
    /** The engine's image id (sha256:...). */
    dockerId: text("docker_id").notNull(),
    engineId: text("engine_id").references(() => engines.id),
    size: integer("size"),
    layers: integer("layers"),
    imageCreatedAt: integer("image_created_at", { mode: "timestamp_ms" }),
    readAt: integer("read_at", { mode: "timestamp_ms" }),
    /** When kobuild last pushed it to a registry: retention keeps it. */
    pushedAt: integer("pushed_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [index("images_docker_id").on(t.dockerId), index("images_ref").on(t.ref)],
);

export const builds = sqliteTable(
  "builds",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** drivers: the dockerized build; merge, squash, collector: image operations. */
    kind: text("kind", { enum: BUILD_KINDS }).notNull().default("drivers"),
    status: text("status", { enum: BUILD_STATUSES })
      .notNull()
      .default("queued"),
    workspaceId: integer("workspace_id").references(() => workspaces.id),
    /** The engine the build runs on; null: the default engine (DOCKER_HOST). */
    engineId: text("engine_id").references(() => engines.id),
    /** A shard of a sharded build: the build that planned it, its shard number (1-based) and attempt (1-based). */
    parentId: integer("parent_id").references((): AnySQLiteColumn => builds.id, { onDelete: "cascade" }),
    shard: integer("shard"),
    attempt: integer("attempt"),
    branch: text("branch"),
    /** The commit the build built (set when it starts), and whether its sources had changes not in that commit. */
    commit: text("commit"),
    commitDirty: integer("commit_dirty", { mode: "boolean" }),
    /** The workspace's name, kept here when the workspace is removed so that the build's history still names it. */
    workspaceName: text("workspace_name"),
    /** The build's options as JSON, never with secret values. */
    options: text("options", { mode: "json" }).$type<BuildOptionsRow>().notNull().default({}),
    target: text("target"),
    tag: text("tag"),
    /** BuildKit or the classic builder, as the engine ran it. */
    builder: text("builder", { enum: ["buildkit", "classic"] }),
    imageId: integer("image_id").references(() => images.id),
    error: text("error"),
    failedStep: text("failed_step"),
    warnings: text("warnings", { mode: "json" }).$type<string[]>().notNull().default([]),
    startedBy: text("started_by"),
    plannedTasks: integer("planned_tasks"),
    doneTasks: integer("done_tasks").notNull().default(0),
    /** Per builder: tasks planned, done, failed, as the builders report them. */
    progress: text("progress", { mode: "json" }).$type<Record<string, BuilderProgress>>().notNull().default({}),
    /** The plan as read from the build's own /build-tasks (null before it is read, or for other kinds). */
    plan: text("plan", { mode: "json" }).$type<BuildPlanRecord>(),
    createdAt: createdAt(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("builds_status").on(t.status), index("builds_created").on(t.createdAt), index("builds_parent").on(t.parentId)],
);

/** The bundles a build sent in its context, as they were then: a bundle replaced later does not change what a build used. */
export const buildBundles = sqliteTable(
  "build_bundles",
  {
    buildId: integer("build_id")
      .notNull()
      .references(() => builds.id, { onDelete: "cascade" }),
    kernel: text("kernel").notNull(),
    sha256: text("sha256").notNull(),
    size: integer("size").notNull(),
  },
  (t) => [primaryKey({ columns: [t.buildId, t.kernel] })],
);

/**
 * The images a build read, as the engine had them when it ended: the base
 * images its FROM lines name, its cache, an operation's inputs. A tag moves
 * later; these ids and digests say what the build really used.
 */
export const buildInputs = sqliteTable(
  "build_inputs",
  {
    buildId: integer("build_id")
      .notNull()
      .references(() => builds.id, { onDelete: "cascade" }),
    /** base: a FROM image; cache: the driver image the task master compared with; input: an image operation's input. */
    role: text("role", { enum: ["base", "cache", "input"] }).notNull(),
    ref: text("ref").notNull(),
    /** The engine's image id (sha256:...), null when the engine no longer held it. */
    dockerId: text("docker_id"),
    /** The registry digest (repo@sha256:...) when the image came from or went to a registry. */
    repoDigest: text("repo_digest"),
    /** The Dockerfile's stages that start from this image (through stages built on stages): which builder compiled on it. */
    stages: text("stages", { mode: "json" }).$type<string[]>().notNull().default([]),
    /** An input kobuild read as a driver image: its record, to follow its own provenance. */
    imageRecordId: integer("image_record_id").references(() => images.id, { onDelete: "set null" }),
  },
  (t) => [primaryKey({ columns: [t.buildId, t.role, t.ref] })],
);

const stageStatus = STAGE_STATUSES;

export const stages = sqliteTable(
  "stages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    buildId: integer("build_id")
      .notNull()
      .references(() => builds.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    position: integer("position").notNull(),
    status: text("status", { enum: stageStatus }).notNull().default("waiting"),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("stages_build_name").on(t.buildId, t.name)],
);

/** A step of a stage: a BuildKit vertex, or a classic builder's `Step i/n`. */
export const steps = sqliteTable(
  "steps",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    buildId: integer("build_id")
      .notNull()
      .references(() => builds.id, { onDelete: "cascade" }),
    stage: text("stage"),
    /** The vertex digest, or `step-<i>` for the classic builder. */
    key: text("key").notNull(),
    name: text("name").notNull(),
    status: text("status", { enum: stageStatus }).notNull().default("waiting"),
    error: text("error"),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("steps_build_key").on(t.buildId, t.key)],
);

/** Every log line of a build, numbered per build so a reader can resume exactly. */
export const logLines = sqliteTable(
  "log_lines",
  {
    buildId: integer("build_id")
      .notNull()
      .references(() => builds.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    stage: text("stage"),
    step: text("step"),
    /** 1 stdout, 2 stderr, 0 kobuild's own notes. */
    stream: integer("stream").notNull(),
    ts: integer("ts").notNull(),
    text: text("text").notNull(),
  },
  (t) => [primaryKey({ columns: [t.buildId, t.seq] }), index("log_lines_stage").on(t.buildId, t.stage, t.seq)],
);

const flavour = FLAVOURS;

/**
 * The plan: one row per task the task master considered. Tasks of
 * `/build-tasks` start `planned` and end built, failed or unavailable; tasks it
 * dropped are `cached` (the cache image holds them) or `blocklisted` (with the
 * BLOCKLIST rule that matched).
 */
export const tasks = sqliteTable(
  "tasks",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    buildId: integer("build_id")
      .notNull()
      .references(() => builds.id, { onDelete: "cascade" }),
    kernel: text("kernel").notNull(),
    moduleVersion: text("module_version").notNull(),
    flavour: text("flavour", { enum: flavour }).notNull(),
    builder: text("builder", { enum: ["rhel-7", "rhel-8"] }).notNull(),
    state: text("state", { enum: ["planned", "running", "built", "failed", "unavailable", "cached", "blocklisted"] })
      .notNull()
      .default("planned"),
    seconds: integer("seconds_ms"),
    /** For a blocklisted task: the BLOCKLIST file (relative to the checkout), the 1-based line that matched, and its patterns. */
    blocklistFile: text("blocklist_file"),
    blocklistLine: integer("blocklist_line"),
    blocklistRule: text("blocklist_rule"),
  },
  (t) => [uniqueIndex("tasks_identity").on(t.buildId, t.kernel, t.moduleVersion, t.flavour)],
);

/** A file under an image's /kernel-modules: a driver or an unavailability marker. */
export const drivers = sqliteTable(
  "drivers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    imageId: integer("image_id")
      .notNull()
      .references(() => images.id, { onDelete: "cascade" }),
    kernel: text("kernel").notNull(),
    moduleVersion: text("module_version").notNull(),
    flavour: text("flavour", { enum: flavour }).notNull(),
    kind: text("kind", { enum: ["driver", "marker"] }).notNull(),
    path: text("path").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256"),
  },
  (t) => [
    uniqueIndex("drivers_identity").on(t.imageId, t.kernel, t.moduleVersion, t.flavour),
    index("drivers_version").on(t.imageId, t.moduleVersion),
  ],
);

/** A log under an image's /FAILURES. */
export const failures = sqliteTable(
  "failures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    imageId: integer("image_id")
      .notNull()
      .references(() => images.id, { onDelete: "cascade" }),
    kernel: text("kernel").notNull(),
    moduleVersion: text("module_version").notNull(),
    flavour: text("flavour", { enum: flavour }).notNull(),
    path: text("path").notNull(),
    log: text("log").notNull(),
    signature: text("signature"),
  },
  (t) => [uniqueIndex("failures_identity").on(t.imageId, t.kernel, t.moduleVersion, t.flavour)],
);

/** Long work that is not a build (uploads, image reads), with its progress. */
export const operations = sqliteTable("operations", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  kind: text("kind").notNull(),
  status: text("status", { enum: ["running", "succeeded", "failed"] }).notNull().default("running"),
  done: integer("done").notNull().default(0),
  total: integer("total"),
  detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
  error: text("error"),
  createdAt: createdAt(),
  finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
});

/** A container registry kobuild pushes to and pulls from; the password is sealed (lib/auth/secret-box). */
export const registries = sqliteTable("registries", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  /** host[:port], as image references name it. */
  url: text("url").notNull().unique(),
  username: text("username"),
  /** AES-256-GCM sealed password; never leaves the server. */
  passwordSealed: text("password_sealed"),
  createdAt: createdAt(),
});

const role = ["viewer", "operator", "admin"] as const;

/** People and automation that use kobuild; a user without a password signs in with API tokens only. */
export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  role: text("role", { enum: role }).notNull(),
  /** scrypt hash (see lib/auth/password.ts); null: no sign-in with a password. */
  passwordHash: text("password_hash"),
  createdAt: createdAt(),
  disabledAt: integer("disabled_at", { mode: "timestamp_ms" }),
  /** Single sign-on: the provider's issuer and the user's subject there; a user is found by the pair, never by name or e-mail. */
  oidcIssuer: text("oidc_issuer"),
  oidcSubject: text("oidc_subject"),
}, (t) => [uniqueIndex("users_oidc_identity").on(t.oidcIssuer, t.oidcSubject)]);

/** Browser sessions: only the sha256 of the cookie's value is kept. */
export const sessions = sqliteTable("sessions", {
  tokenHash: text("token_hash").primaryKey(),
  userId: integer("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  createdAt: createdAt(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  /** The last request signed with it (within a minute): a session unused for KOBUILD_SESSION_IDLE_MINUTES ends. */
  lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }),
});

/** API tokens for CI: shown once, kept as their sha256. */
export const apiTokens = sqliteTable("api_tokens", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  userId: integer("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  tokenHash: text("token_hash").notNull().unique(),
  createdAt: createdAt(),
  lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
  revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
});

/** One-time sign-in links (the first admin's, at first start). */
export const signinLinks = sqliteTable("signin_links", {
  tokenHash: text("token_hash").primaryKey(),
  role: text("role", { enum: role }).notNull(),
  createdAt: createdAt(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  usedAt: integer("used_at", { mode: "timestamp_ms" }),
});

/** Who changed what: every change made through the API or the pages. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: createdAt(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    target: text("target"),
    status: integer("status"),
  },
  (t) => [index("audit_log_at").on(t.at)],
);

// Trends and failure history. What a finished driver build counted is kept
// when it ends (lib/trends), so that coverage over hundreds of builds is read
// from a few rows per build instead of tens of thousands of cells.

/** A finished top-level driver build whose coverage and failures were counted (null counts: it made no image). */
export const buildDigests = sqliteTable("build_digests", {
  buildId: integer("build_id")
    .primaryKey()
    .references(() => builds.id, { onDelete: "cascade" }),
  hasImage: integer("has_image", { mode: "boolean" }).notNull(),
  /** Kernels of its grid (rows). */
  kernels: integer("kernels").notNull(),
  digestedAt: createdAt(),
});

/** A digested build's cells per state, per module version and flavour. */
export const buildCoverageCounts = sqliteTable(
  "build_coverage_counts",
  {
    buildId: integer("build_id")
      .notNull()
      .references(() => builds.id, { onDelete: "cascade" }),
    moduleVersion: text("module_version").notNull(),
    flavour: text("flavour", { enum: flavour }).notNull(),
    built: integer("built").notNull(),
    cached: integer("cached").notNull(),
    failed: integer("failed").notNull(),
    unavailable: integer("unavailable").notNull(),
    blocklisted: integer("blocklisted").notNull(),
    missing: integer("missing").notNull(),
    notPlanned: integer("not_planned").notNull(),
  },
  (t) => [primaryKey({ columns: [t.buildId, t.moduleVersion, t.flavour] })],
);

/**
 * A failure signature of a workspace, over its builds: when it was first and
 * last seen, the latest build that planned its tasks and had none of them
 * fail (it is fixed when that is later than the last sighting), and counts.
 * `signature` is '' for failures whose log was empty.
 */
export const failureGroups = sqliteTable(
  "failure_groups",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    workspaceId: integer("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    signature: text("signature").notNull(),
    firstBuildId: integer("first_build_id").notNull(),
    firstSeenAt: integer("first_seen_at", { mode: "timestamp_ms" }).notNull(),
    lastBuildId: integer("last_build_id").notNull(),
    lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }).notNull(),
    lastClearBuildId: integer("last_clear_build_id"),
    lastClearAt: integer("last_clear_at", { mode: "timestamp_ms" }),
    /** Builds it hit, and distinct kernels it ever hit. */
    builds: integer("builds").notNull().default(0),
    kernels: integer("kernels").notNull().default(0),
  },
  (t) => [uniqueIndex("failure_groups_signature").on(t.workspaceId, t.signature), index("failure_groups_first_seen").on(t.workspaceId, t.firstSeenAt)],
);

/** A build a failure group hit: how many of its failures and kernels, and one failure to show. */
export const failureGroupHits = sqliteTable(
  "failure_group_hits",
  {
    groupId: integer("group_id")
      .notNull()
      .references(() => failureGroups.id, { onDelete: "cascade" }),
    buildId: integer("build_id")
      .notNull()
      .references(() => builds.id, { onDelete: "cascade" }),
    failures: integer("failures").notNull(),
    kernels: integer("kernels").notNull(),
    exampleFailureId: integer("example_failure_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.buildId] }), index("failure_group_hits_build").on(t.buildId)],
);

/** Every task (kernel, module version, flavour) a failure group ever hit, with the first and last build it failed in. */
export const failureGroupCells = sqliteTable(
  "failure_group_cells",
  {
    groupId: integer("group_id")
      .notNull()
      .references(() => failureGroups.id, { onDelete: "cascade" }),
    kernel: text("kernel").notNull(),
    moduleVersion: text("module_version").notNull(),
    flavour: text("flavour", { enum: flavour }).notNull(),
    firstBuildId: integer("first_build_id").notNull(),
    lastBuildId: integer("last_build_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.kernel, t.moduleVersion, t.flavour] })],
);

/** On-call's hand-off: who acknowledged a failure group, who owns it now, and what they found. */
export const failureGroupNotes = sqliteTable(
  "failure_group_notes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    groupId: integer("group_id")
      .notNull()
      .references(() => failureGroups.id, { onDelete: "cascade" }),
    author: text("author").notNull(),
    owner: text("owner").notNull(),
    note: text("note").notNull(),
    at: createdAt(),
  },
  (t) => [index("failure_group_notes_group").on(t.groupId, t.id)],
);

/**
 * How long builds, logs, failure logs, images and audit rows are kept
 * (lib/retention): one row without a workspace is the default; a row per
 * workspace overrides the default for that workspace's builds and logs.
 */
export const retentionPolicies = sqliteTable("retention_policies", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  workspaceId: integer("workspace_id")
    .unique()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  /** The rules as JSON (lib/retention/retention-schemas). */
  policy: text("policy", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  updatedBy: text("updated_by"),
});

/**
 * Outgoing webhooks (lib/webhooks): where kobuild POSTs the events a hook
 * subscribed to. The secret signs each body and is sealed at rest like a
 * registry's password; it never leaves the server.
 */
export const webhooks = sqliteTable("webhooks", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  url: text("url").notNull(),
  /** The event names it receives (lib/vocabulary WEBHOOK_EVENTS). */
  events: text("events", { mode: "json" }).$type<string[]>().notNull(),
  format: text("format", { enum: WEBHOOK_FORMATS }).notNull().default("json"),
  /** AES-256-GCM sealed HMAC secret, bound to this row's id. */
  secretSealed: text("secret_sealed").notNull(),
  createdBy: text("created_by"),
  createdAt: createdAt(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

/** One event sent (or to be sent) to one webhook: the exact body, and what the last attempt got back. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    webhookId: integer("webhook_id")
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    event: text("event").notNull(),
    /** The bytes POSTed (UTF-8 JSON), the same at every attempt. */
    body: text("body").notNull(),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** When a pending delivery is tried next. */
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }),
    lastAttemptAt: integer("last_attempt_at", { mode: "timestamp_ms" }),
    /** The last answer's HTTP status (null when none came) and the first 4 KiB of its body. */
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    /** Why the last attempt failed: no answer, a timeout, a status that is not 2xx. */
    error: text("error"),
    /** A "send again" of an earlier delivery. */
    redeliveryOf: integer("redelivery_of"),
    createdAt: createdAt(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("webhook_deliveries_due").on(t.status, t.nextAttemptAt), index("webhook_deliveries_hook").on(t.webhookId, t.id)],
);

/**
 * A channel (lib/channels): a workspace's branch whose driver image kobuild
 * keeps complete, every stored bundle by every module version the branch
 * builds, under one image reference that moves only when a catch-up build
 * passes the gate.
 */
export const channels = sqliteTable("channels", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  workspaceId: integer("workspace_id")
    .notNull()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  branch: text("branch").notNull(),
  legacyProbes: integer("legacy_probes", { mode: "boolean" }).notNull().default(false),
  /** repository:tag the channel publishes (pushed to `registryId` when one is set). */
  image: text("image").notNull(),
  registryId: integer("registry_id").references(() => registries.id, { onDelete: "set null" }),
  /** Whether a stored bundle brings a catch-up by itself (a sync asked by hand always does). */
  onBundleStored: integer("on_bundle_stored", { mode: "boolean" }).notNull().default(true),
  /** A cron line (five fields, UTC) that starts a catch-up on its own, and when it last did. */
  schedule: text("schedule"),
  lastScheduledAt: integer("last_scheduled_at", { mode: "timestamp_ms" }),
  /** Policy: the merged catch-up is squashed only above this many layers; null follows KOBUILD_CHANNEL_SQUASH_ABOVE_LAYERS. */
  squashAboveLayers: integer("squash_above_layers"),
  /** up-to-date, building, held, failed (lib/vocabulary CHANNEL_STATES); new: never synced. */
  state: text("state", { enum: CHANNEL_STATES }).notNull().default("new"),
  /** Why the channel is held or failed, in words; the held cells as `kernel moduleVersion flavour: from -> to`. */
  reason: text("reason"),
  heldCells: text("held_cells", { mode: "json" }).$type<string[]>().notNull().default([]),
  /** The image record and engine id of what the reference points at, and the commit it was built from. */
  publishedImageId: integer("published_image_id").references(() => images.id, { onDelete: "set null" }),
  publishedDockerId: text("published_docker_id"),
  publishedCommit: text("published_commit"),
  publishedAt: integer("published_at", { mode: "timestamp_ms" }),
  /** The published image's layers as the engine counted them, and whether its catch-up squashed it. */
  publishedLayers: integer("published_layers"),
  publishedSquashed: integer("published_squashed", { mode: "boolean" }),
  /** The catch-up build running now, and the one held (its image waits for "publish anyway"). */
  currentBuildId: integer("current_build_id").references(() => builds.id, { onDelete: "set null" }),
  heldBuildId: integer("held_build_id").references(() => builds.id, { onDelete: "set null" }),
  /** A sync asked while a catch-up runs: one more follows it. */
  syncPending: integer("sync_pending", { mode: "boolean" }).notNull().default(false),
  createdBy: text("created_by"),
  createdAt: createdAt(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

/** Every catch-up build of a channel: why it started, the bundles it waited for, and how it ended for the channel. */
export const channelBuilds = sqliteTable(
  "channel_builds",
  {
    channelId: integer("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    buildId: integer("build_id")
      .notNull()
      .references(() => builds.id, { onDelete: "cascade" }),
    /** bundle, branch, schedule, manual. */
    trigger: text("trigger").notNull(),
    /** The kernels it was started for, and when the oldest of them was stored (time-to-driver starts there). */
    kernels: text("kernels", { mode: "json" }).$type<string[]>().notNull().default([]),
    waitingSince: integer("waiting_since", { mode: "timestamp_ms" }),
    /** published, published anyway (after a hold), held, failed, or null while it runs. */
    outcome: text("outcome"),
    endedAt: integer("ended_at", { mode: "timestamp_ms" }),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.buildId] })],
);
