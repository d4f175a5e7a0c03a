// The words server and client share: flavours, what a build and a stage may
// be, a build's network, and the like. Plain values and types only, so the
// schema, lib/ and pages import the same ones.

/** A driver's flavour: the kernel module or the eBPF probe. */
export const FLAVOURS = ["mod", "bpf"] as const;
export type Flavour = (typeof FLAVOURS)[number];

/** What a build is: the dockerized driver build, or an image operation. */
export const BUILD_KINDS = ["drivers", "merge", "squash", "collector", "reproduce"] as const;
export type BuildKind = (typeof BUILD_KINDS)[number];

/** Where a build is; partial: a sharded build whose result lacks the kernels of shards that could not finish. */
export const BUILD_STATUSES = ["queued", "running", "succeeded", "partial", "failed", "cancelled", "interrupted"] as const;
export type BuildStatus = (typeof BUILD_STATUSES)[number];
/** A build waiting for or holding an engine. */
export const ACTIVE_BUILD_STATUSES = ["queued", "running"] as const satisfies readonly BuildStatus[];
/** A build that will not change again. */
export const ENDED_BUILD_STATUSES = ["succeeded", "partial", "failed", "cancelled", "interrupted"] as const satisfies readonly BuildStatus[];
export const isEndedStatus = (status: string): boolean => (ENDED_BUILD_STATUSES as readonly string[]).includes(status);

/** Where one stage of a build is. */
export const STAGE_STATUSES = ["waiting", "running", "cached", "done", "failed", "cancelled", "skipped"] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];

/** The network of a build's RUN steps: `default` is the engine's own default; `none` and `host` as `docker build --network`. */
export const BUILD_NETWORKS = ["default", "none", "host"] as const;
export type BuildNetwork = (typeof BUILD_NETWORKS)[number];

/** Drivers planned and done by one builder of a build. */
export type BuilderProgress = {
  planned: number;
  done: number;
  failed: number;
  /**
   * False while done and failed are estimated from the kernel ids the
   * builder's log names (its scripts print nothing for kobuild); true once
   * they come from progress lines or from the image. Absent: true.
   */
  exact?: boolean;
  /** The estimate's own counts: the builder's kernels, those its log named, those it is past. */
  kernels?: { planned: number; started: number; finished: number };
};

/** How a build's plan was learnt: from its own /build-tasks, or why it could not be. */
export type BuildPlanRecord =
  | {
      source: "build-tasks";
      /** The module versions the patcher made, and whether each has an eBPF probe. */
      moduleVersions: { moduleVersion: string; bpf: boolean }[];
      toBuild: number;
      fromCache: number;
      blocklisted: number;
      notPlanned: number;
      /** Kernels the task master was given and left out without a cache or BLOCKLIST reason (the first few). */
      kernelsLeftOut: string[];
      /** True when the workspace changed between the build's context and the plan's. */
      contextChanged: boolean;
    }
  | { source: "unreadable"; error: string };

/** What a webhook may subscribe to (`ping` is sent on request only); channels come later, their names are taken now so hooks can subscribe. */
export const WEBHOOK_EVENTS = ["build.failed", "failures.new", "channel.held", "channel.published", "channel.recovered"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** How a webhook's body is written: kobuild's signed JSON, or a Slack incoming webhook's `{text}`. */
export const WEBHOOK_FORMATS = ["json", "slack"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Where one delivery of an event to a webhook is: waiting for its (next) attempt, answered with 2xx, or given up. */
export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A channel's state: never synced, its image holds everything, a catch-up runs, a catch-up waits at the gate, the last catch-up failed. */
export const CHANNEL_STATES = ["new", "up-to-date", "building", "held", "failed"] as const;
export type ChannelState = (typeof CHANNEL_STATES)[number];
