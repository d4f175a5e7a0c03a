import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { SQUASH_ABOVE_LAYERS_DEFAULT, SQUASH_ABOVE_LAYERS_MAX } from "./driver-images/layer-limit";

// The one place kobuild reads its environment. Imported by next.config.ts so
// a bad value stops start-up before the server listens.

const port = z
  .string()
  .regex(/^\d+$/, "must be a whole number")
  .transform(Number)
  .refine((n) => n >= 1 && n <= 65535, "must be between 1 and 65535");

const host = z
  .string()
  .min(1, "must not be empty")
  .regex(/^[A-Za-z0-9.:[\]-]+$/, "must be a host name or an IP address");

/** A DOCKER_HOST-style address; lib/engines narrows it for engines added on Settings. */
export const dockerHostSchema = z
  .string()
  .regex(
    /^(unix:\/\/\/\S+|tcp:\/\/[^\s/]+:\d+|ssh:\/\/[^\s]+|https?:\/\/[^\s/]+:\d+)$/,
    "must look like unix:///var/run/docker.sock, tcp://host:2376 or ssh://user@host",
  );

/** A whole number between `min` and `max`, written in decimal. */
const wholeNumber = (min: number, max: number, unit = "") =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number${unit ? ` of ${unit}` : ""}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

/** The server log's levels, most to least urgent ("silent" says nothing). */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** Comma-separated values of a claim (group names, roles), as KOBUILD_OIDC_*_VALUES list them. */
const claimValues = z
  .string()
  .max(4096, "must be at most 4096 characters")
  .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
  .refine((values) => values.length > 0, "must list at least one value, separated by commas");

const flag = z.enum(["0", "1", "true", "false", ""]).transform((v) => v === "1" || v === "true");

const schema = z.object({
  KOBUILD_DATA_DIR: z.string().min(1, "must not be empty").default("./data"),
  KOBUILD_HOST: host.default("127.0.0.1"),
  KOBUILD_PORT: port.default(3000),
  DOCKER_HOST: dockerHostSchema.default("unix:///var/run/docker.sock"),
  DOCKER_TLS_VERIFY: flag.default(false),
  DOCKER_CERT_PATH: z.string().optional(),
  // An ssh_config for ssh:// engines instead of the user's ~/.ssh/config (keys, known hosts, jump hosts).
  KOBUILD_SSH_CONFIG: z
    .string()
    .min(1, "must not be empty")
    .refine((file) => fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true, "must name an ssh_config file that exists")
    .optional(),
  KOBUILD_MAX_BUNDLE_BYTES: z
    .string()
    .regex(/^\d+$/, "must be a whole number of bytes")
    .transform(Number)
    .refine((n) => n >= 1024, "must be at least 1024")
    .default(512 * 1024 * 1024),
  KOBUILD_BUILDS_PER_ENGINE: z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .refine((n) => n >= 1 && n <= 64, "must be between 1 and 64")
    .default(1),
  // Bundles stored within this many seconds of each other go into one catch-up build of each channel.
  KOBUILD_CHANNEL_DEBOUNCE_SECONDS: wholeNumber(0, 3600, "seconds").default(30),
  // A channel's catch-up result is squashed only when, merged onto the channel's image, it has more layers than this (a channel may set its own).
  KOBUILD_CHANNEL_SQUASH_ABOVE_LAYERS: wholeNumber(1, SQUASH_ABOVE_LAYERS_MAX).default(SQUASH_ABOVE_LAYERS_DEFAULT),
  // Every git command that talks to a workspace's remote (ls-remote, clone, fetch) is ended after this long.
  KOBUILD_GIT_TIMEOUT_SECONDS: wholeNumber(1, 3600, "seconds").default(300),
  // A build whose engine takes no bytes of its context for this long, while some are left to send, fails (the engine is wedged).
  KOBUILD_CONTEXT_STALL_SECONDS: wholeNumber(1, 86_400, "seconds").default(300),
  // Largest JSON body a route reads; a bigger one is refused (413) without being buffered.
  KOBUILD_MAX_JSON_BYTES: wholeNumber(1024, 64 * 1024 ** 2, "bytes").default(1024 ** 2),
  // Largest log kept per build; later lines are counted but not stored, and the build says so.
  KOBUILD_MAX_LOG_BYTES: wholeNumber(64 * 1024, 64 * 1024 ** 3, "bytes").default(1024 ** 3),
  // A session unused this long ends (every signed-in request counts as use); sessions end after 7 days regardless.
  KOBUILD_SESSION_IDLE_MINUTES: wholeNumber(1, 7 * 24 * 60, "minutes").default(12 * 60),
  // Live event streams (GET /api/builds/:id/events) open at once, in all and per build.
  KOBUILD_MAX_EVENT_STREAMS: wholeNumber(1, 100_000).default(512),
  KOBUILD_MAX_EVENT_STREAMS_PER_BUILD: wholeNumber(1, 100_000).default(128),
  // 32 bytes, as 64 hex digits or base64: encrypts stored registry passwords.
  KOBUILD_SECRET_KEY: z
    .string()
    .refine((v) => decodeSecretKey(v) !== null, "must be 32 bytes written as 64 hex digits or as base64")
    .optional(),
  // The dashboard's address as people reach it (behind a proxy: the proxy's); webhook messages link to builds with it.
  KOBUILD_PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, "must be an http:// or https:// address such as https://kobuild.example.com")
    .transform((v) => v.replace(/\/+$/, ""))
    .optional(),
  // Seconds to wait before each new attempt of a webhook delivery that failed; one more attempt than delays in all.
  KOBUILD_WEBHOOK_RETRY_SECONDS: z
    .string()
    .regex(/^\d{1,6}(,\d{1,6}){0,19}$/, "must be a comma-separated list of up to 20 whole numbers of seconds, such as 1,5,30,120,600")
    .transform((v) => v.split(",").map(Number))
    .refine((delays) => delays.every((d) => d <= 86_400), "each delay must be at most 86400 seconds")
    .optional(),
  // Whether webhooks may be sent to loopback, link-local (cloud metadata) and private addresses; refused by default.
  KOBUILD_WEBHOOK_ALLOW_PRIVATE: flag.default(false),
  // The secret git push hooks (POST /api/hooks/git) prove themselves with; without it the route refuses every hook.
  KOBUILD_GIT_HOOK_SECRET: z.string().min(16, "must be at least 16 characters").max(256, "must be at most 256 characters").optional(),
  // An API token for automation: at start, an admin that signs in with it exists.
  KOBUILD_ADMIN_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9_.~+/=-]{32,200}$/, "must be 32 to 200 characters of letters, digits and _ . ~ + / = -")
    .optional(),
  // A scraper's bearer token for GET /metrics; without it, any signed-in viewer may read the metrics.
  KOBUILD_METRICS_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9_.~+/=-]{32,200}$/, "must be 32 to 200 characters of letters, digits and _ . ~ + / = -")
    .optional(),
  // What the server's JSON log lines say: this level and the ones above it.
  KOBUILD_LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  // On SIGTERM, running builds get this long to end before they are marked interrupted.
  KOBUILD_SHUTDOWN_GRACE_SECONDS: wholeNumber(0, 3600, "seconds").default(30),
  // Single sign-on with OpenID Connect: all of issuer, client id and secret, or none of them.
  KOBUILD_OIDC_ISSUER: z
    .string()
    .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, "must be the provider's issuer address, such as https://login.example.com/realms/main")
    .refine((v) => v.startsWith("https://") || isLoopbackUrl(v), "must be an https:// address (http:// only on loopback)")
    .optional(),
  KOBUILD_OIDC_CLIENT_ID: z.string().max(512, "must be at most 512 characters").regex(/^\S+$/, "must not hold spaces").optional(),
  KOBUILD_OIDC_CLIENT_SECRET: z.string().max(4096, "must be at most 4096 characters").optional(),
  KOBUILD_OIDC_CLIENT_SECRET_FILE: z
    .string()
    .refine((file) => fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true, "must name a file that exists")
    .optional(),
  KOBUILD_OIDC_ROLE_CLAIM: z
    .string()
    .regex(/^[A-Za-z0-9_:/-]+(\.[A-Za-z0-9_:/-]+)*$/, "must be a claim name or a dotted path such as realm_access.roles")
    .default("groups"),
  KOBUILD_OIDC_ADMIN_VALUES: claimValues.optional(),
  KOBUILD_OIDC_OPERATOR_VALUES: claimValues.optional(),
  KOBUILD_OIDC_VIEWER_VALUES: claimValues.optional(),
  KOBUILD_OIDC_SCOPES: z
    .string()
    .regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, "must be scopes separated by single spaces")
    .refine((v) => v.split(" ").includes("openid"), "must include openid")
    .default("openid profile email"),
  KOBUILD_OIDC_NAME: z.string().trim().min(1).max(40, "must be at most 40 characters").default("single sign-on"),
});

/** Whether an address names this machine (http:// is accepted for an issuer only there). */
export function isLoopbackUrl(address: string): boolean {
  try {
    const host = new URL(address).hostname;
    return host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}

/** A 32-byte key from 64 hex digits or base64; null when the text is neither. */
export function decodeSecretKey(text: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, "hex");
  if (!/^[A-Za-z0-9+/_-]{42,44}={0,2}$/.test(text)) return null;
  const key = Buffer.from(text, "base64");
  return key.length === 32 ? key : null;
}

export type Env = {
  dataDir: string;
  host: string;
  port: number;
  dockerHost: string;
  dockerTlsVerify: boolean;
  dockerCertPath: string | undefined;
  sshConfig: string | undefined;
  buildsPerEngine: number;
  maxBundleBytes: number;
  /** Seconds a channel waits after a bundle is stored before its catch-up, so that a batch goes into one build. */
  channelDebounceSeconds: number;
  /** Layers above which a channel's merged catch-up is squashed, unless the channel sets its own threshold. */
  channelSquashAboveLayers: number;
  /** Seconds a fetch from a workspace's remote may take. */
  gitTimeoutSeconds: number;
  /** Seconds an engine may take no bytes of a build context before the build fails. */
  contextStallSeconds: number;
  maxJsonBytes: number;
  maxLogBytes: number;
  sessionIdleMs: number;
  maxEventStreams: number;
  maxEventStreamsPerBuild: number;
  /** Never logged; null means kobuild keeps its own key file in the data directory. */
  secretKey: Buffer | null;
  /** Never logged nor shown. */
  adminToken: string | null;
  /** Signs (GitHub) or is sent by (GitLab) git push hooks; never logged nor shown; null: hooks are off. */
  gitHookSecret: string | null;
  /** Where people reach the dashboard, without a trailing slash: links in webhook messages start with it. */
  publicUrl: string;
  /** Whether KOBUILD_PUBLIC_URL was given (else a sign-in's return address comes from the request). */
  publicUrlConfigured: boolean;
  /** Seconds before each retry of a failed webhook delivery. */
  webhookRetrySeconds: readonly number[];
  /** Whether a webhook may point at a loopback, link-local or private address. */
  webhookAllowPrivate: boolean;
  /** Never logged nor shown; null: /metrics is for signed-in viewers. */
  metricsToken: string | null;
  logLevel: LogLevel;
  /** How long running builds may go on after SIGTERM. */
  shutdownGraceSeconds: number;
  /** Single sign-on; null when not configured. */
  oidc: OidcSettings | null;
};

export type OidcSettings = {
  issuer: string;
  clientId: string;
  /** Never logged nor sent to a browser. */
  clientSecret: string;
  /** A claim name, or a dotted path into nested claims. */
  roleClaim: string;
  /** Claim values that make a user each role; the highest role matched wins. */
  roleValues: { admin: readonly string[]; operator: readonly string[]; viewer: readonly string[] };
  scopes: string;
  /** What the sign-in button says: "Sign in with <name>". */
  name: string;
};

/** Before each retry of a failed webhook delivery: 1 s, 5 s, 30 s, 2 min, 10 min (six attempts in all). */
export const WEBHOOK_RETRY_SECONDS = [1, 5, 30, 120, 600] as const;

export class EnvError extends Error {
  constructor(readonly variable: string, reason: string, value: string | undefined) {
    super(`${variable} ${reason} (got ${JSON.stringify(value ?? "")})`);
    this.name = "EnvError";
  }
}

const SECRET_VARIABLES = new Set(["KOBUILD_SECRET_KEY", "KOBUILD_ADMIN_TOKEN", "KOBUILD_METRICS_TOKEN", "KOBUILD_OIDC_CLIENT_SECRET", "KOBUILD_GIT_HOOK_SECRET"]);

const OIDC_VARIABLES = [
  "KOBUILD_OIDC_ISSUER",
  "KOBUILD_OIDC_CLIENT_ID",
  "KOBUILD_OIDC_CLIENT_SECRET",
  "KOBUILD_OIDC_CLIENT_SECRET_FILE",
  "KOBUILD_OIDC_ROLE_CLAIM",
  "KOBUILD_OIDC_ADMIN_VALUES",
  "KOBUILD_OIDC_OPERATOR_VALUES",
  "KOBUILD_OIDC_VIEWER_VALUES",
  "KOBUILD_OIDC_SCOPES",
  "KOBUILD_OIDC_NAME",
] as const;

/** Single sign-on's settings: none of its variables, or all it needs (a partial set names what is missing). */
function oidcSettings(e: z.infer<typeof schema>, present: Record<string, string | undefined>): OidcSettings | null {
  const given = OIDC_VARIABLES.filter((name) => present[name] !== undefined);
  if (given.length === 0) return null;
  const missing = (variable: string, reason: string) => new EnvError(variable, `${reason} (single sign-on is half configured: ${given.join(", ")} set)`, undefined);
  if (!e.KOBUILD_OIDC_ISSUER) throw missing("KOBUILD_OIDC_ISSUER", "must be set");
  if (!e.KOBUILD_OIDC_CLIENT_ID) throw missing("KOBUILD_OIDC_CLIENT_ID", "must be set");
  if (e.KOBUILD_OIDC_CLIENT_SECRET && e.KOBUILD_OIDC_CLIENT_SECRET_FILE) {
    throw new EnvError("KOBUILD_OIDC_CLIENT_SECRET_FILE", "must not be set together with KOBUILD_OIDC_CLIENT_SECRET", e.KOBUILD_OIDC_CLIENT_SECRET_FILE);
  }
  const clientSecret = e.KOBUILD_OIDC_CLIENT_SECRET ?? (e.KOBUILD_OIDC_CLIENT_SECRET_FILE ? fs.readFileSync(e.KOBUILD_OIDC_CLIENT_SECRET_FILE, "utf8").trim() : "");
  if (!clientSecret) {
    if (e.KOBUILD_OIDC_CLIENT_SECRET_FILE) throw new EnvError("KOBUILD_OIDC_CLIENT_SECRET_FILE", "must name a file that holds the client secret, not an empty one", e.KOBUILD_OIDC_CLIENT_SECRET_FILE);
    throw missing("KOBUILD_OIDC_CLIENT_SECRET", "must be set (or KOBUILD_OIDC_CLIENT_SECRET_FILE)");
  }
  const roleValues = { admin: e.KOBUILD_OIDC_ADMIN_VALUES ?? [], operator: e.KOBUILD_OIDC_OPERATOR_VALUES ?? [], viewer: e.KOBUILD_OIDC_VIEWER_VALUES ?? [] };
  if (roleValues.admin.length + roleValues.operator.length + roleValues.viewer.length === 0) {
    throw missing("KOBUILD_OIDC_VIEWER_VALUES", "or KOBUILD_OIDC_OPERATOR_VALUES or KOBUILD_OIDC_ADMIN_VALUES must be set: without them nobody can sign in");
  }
  return {
    issuer: e.KOBUILD_OIDC_ISSUER,
    clientId: e.KOBUILD_OIDC_CLIENT_ID,
    clientSecret,
    roleClaim: e.KOBUILD_OIDC_ROLE_CLAIM,
    roleValues,
    scopes: e.KOBUILD_OIDC_SCOPES,
    name: e.KOBUILD_OIDC_NAME,
  };
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings mean "unset", as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? "environment");
    // A secret's value never reaches a log line, even a wrong one.
    throw new EnvError(variable, issue.message, SECRET_VARIABLES.has(variable) ? "(hidden)" : source[variable]);
  }
  const e = result.data;
  return {
    dataDir: path.resolve(e.KOBUILD_DATA_DIR),
    host: e.KOBUILD_HOST,
    port: e.KOBUILD_PORT,
    dockerHost: e.DOCKER_HOST,
    dockerTlsVerify: e.DOCKER_TLS_VERIFY,
    dockerCertPath: e.DOCKER_CERT_PATH,
    sshConfig: e.KOBUILD_SSH_CONFIG,
    buildsPerEngine: e.KOBUILD_BUILDS_PER_ENGINE,
    maxBundleBytes: e.KOBUILD_MAX_BUNDLE_BYTES,
    channelDebounceSeconds: e.KOBUILD_CHANNEL_DEBOUNCE_SECONDS,
    channelSquashAboveLayers: e.KOBUILD_CHANNEL_SQUASH_ABOVE_LAYERS,
    gitTimeoutSeconds: e.KOBUILD_GIT_TIMEOUT_SECONDS,
    contextStallSeconds: e.KOBUILD_CONTEXT_STALL_SECONDS,
    maxJsonBytes: e.KOBUILD_MAX_JSON_BYTES,
    maxLogBytes: e.KOBUILD_MAX_LOG_BYTES,
    sessionIdleMs: e.KOBUILD_SESSION_IDLE_MINUTES * 60_000,
    maxEventStreams: e.KOBUILD_MAX_EVENT_STREAMS,
    maxEventStreamsPerBuild: e.KOBUILD_MAX_EVENT_STREAMS_PER_BUILD,
    secretKey: e.KOBUILD_SECRET_KEY ? decodeSecretKey(e.KOBUILD_SECRET_KEY) : null,
    adminToken: e.KOBUILD_ADMIN_TOKEN ?? null,
    gitHookSecret: e.KOBUILD_GIT_HOOK_SECRET ?? null,
    publicUrl: e.KOBUILD_PUBLIC_URL ?? `http://${e.KOBUILD_HOST.includes(":") ? `[${e.KOBUILD_HOST}]` : e.KOBUILD_HOST}:${e.KOBUILD_PORT}`,
    publicUrlConfigured: e.KOBUILD_PUBLIC_URL !== undefined,
    webhookRetrySeconds: e.KOBUILD_WEBHOOK_RETRY_SECONDS ?? WEBHOOK_RETRY_SECONDS,
    webhookAllowPrivate: e.KOBUILD_WEBHOOK_ALLOW_PRIVATE,
    metricsToken: e.KOBUILD_METRICS_TOKEN ?? null,
    logLevel: e.KOBUILD_LOG_LEVEL,
    shutdownGraceSeconds: e.KOBUILD_SHUTDOWN_GRACE_SECONDS,
    oidc: oidcSettings(e, present),
  };
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** For entry points: print one line naming the bad variable and stop. */
export function loadEnvOrExit(): Env {
  try {
    return env();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`kobuild: invalid configuration: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
