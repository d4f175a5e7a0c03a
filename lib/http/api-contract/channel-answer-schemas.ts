import { z } from "zod";
import { BUILD_STATUSES, CHANNEL_STATES } from "@/lib/vocabulary";

// What the channel routes and the git push hook answer.

const instant = z.iso.datetime();
const nullableInstant = instant.nullable();
const id = z.number().int();

export const channelSchema = z
  .object({
    id,
    name: z.string(),
    workspace: z.object({ id, name: z.string() }).nullable(),
    branch: z.string(),
    legacyProbes: z.boolean(),
    image: z.string().meta({ description: "The tag the channel publishes." }),
    registry: z.object({ id, name: z.string() }).nullable().meta({ description: "Where the tag is pushed, if anywhere." }),
    triggers: z.object({ bundleStored: z.boolean(), schedule: z.string().nullable(), nextScheduledAt: nullableInstant }),
    state: z.enum(CHANNEL_STATES),
    reason: z.string().nullable().meta({ description: "Why it is held or failed." }),
    heldCells: z.array(z.string()).meta({ description: "The cells a held result would lose." }),
    heldBuildId: id.nullable(),
    currentBuildId: id.nullable(),
    policy: z.object({
      squashAboveLayers: z.number().int().meta({ description: "A merged catch-up with more layers than this is squashed." }),
      squashAboveLayersIsDefault: z.boolean().meta({ description: "Whether the threshold is KOBUILD_CHANNEL_SQUASH_ABOVE_LAYERS's, the channel having none of its own." }),
    }),
    published: z
      .object({
        ref: z.string(),
        imageId: id.nullable(),
        dockerId: z.string(),
        commit: z.string().nullable(),
        at: nullableInstant,
        layers: z.number().int().nullable().meta({ description: "The published image's layer count." }),
        squashed: z.boolean().nullable().meta({ description: "Whether the catch-up that made it was squashed." }),
      })
      .nullable(),
    pending: z.object({
      bundles: z.array(z.string()).meta({ description: "Kernels with a stored bundle the published image holds nothing for." }),
      commit: z.string().nullable().meta({ description: "The branch's commit when it moved past the published one." }),
      headCommit: z.string().nullable(),
    }),
    builds: z
      .array(
        z.object({
          id,
          trigger: z.string().meta({ description: "bundle, branch, schedule or manual." }),
          kernels: z.array(z.string()),
          status: z.enum(BUILD_STATUSES),
          commit: z.string().nullable(),
          outcome: z.string().nullable().meta({ description: "published, published anyway, held or failed; null while it runs." }),
          createdAt: instant,
          endedAt: nullableInstant,
        }),
      )
      .meta({ description: "The latest 20 catch-up builds, newest first." }),
    timeToDriver: z.object({
      latest: z.array(z.object({ buildId: id, seconds: z.number().int().min(0), kernels: z.number().int() })),
      medianSeconds: z.number().nullable(),
    }),
    createdBy: z.string().nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: "Channel" });

export const channelsAnswerSchema = z.object({ channels: z.array(channelSchema) });
export const removedChannelSchema = z.object({ id, name: z.string() });

const syncSchema = z.object({
  status: z.enum(["started", "running", "up-to-date"]),
  buildId: id.nullable().meta({ description: "The build started, or the one already running." }),
  kernels: z.array(z.string()),
});
export const channelSyncSchema = z.object({ sync: syncSchema, channel: channelSchema });

export const gitHookAnswerSchema = z.object({
  event: z.string().nullable(),
  branch: z.string().optional(),
  channels: z.array(z.union([z.object({ id, name: z.string(), sync: syncSchema }), z.object({ id, name: z.string(), error: z.string() })])),
});
