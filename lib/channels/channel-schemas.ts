import { z } from "zod";
import { parseImageRef } from "@/lib/docker/image/image-ref";
import { isValidRefName } from "@/lib/workspace/ref-name";
import { LAYER_LIMIT, SQUASH_ABOVE_LAYERS_MAX } from "@/lib/driver-images/layer-limit";
import { cronProblem } from "./channel-schedule";

const name = z
  .string()
  .trim()
  .min(1, "a channel needs a name")
  .max(64)
  .regex(/^[A-Za-z0-9][\w.-]*$/, "may hold letters, digits and _ . -, starting with a letter or digit");

const branch = z.string().min(1).max(255).refine(isValidRefName, "must be a git branch or tag name");

/** repository:tag, with a tag and without a digest: the reference the channel moves. */
const image = z
  .string()
  .trim()
  .min(1)
  .max(512)
  .superRefine((value, ctx) => {
    try {
      const ref = parseImageRef(value);
      if (ref.id || !ref.repository) ctx.addIssue({ code: "custom", message: "must be repository:tag, not an image id" });
      else if (ref.digest) ctx.addIssue({ code: "custom", message: "must be repository:tag without a digest: the channel moves the tag" });
      else if (!ref.tag) ctx.addIssue({ code: "custom", message: "must name its tag (repository:tag)" });
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  });

/** A cron line, checked as the timer will read it: five fields (minute hour day month weekday), UTC. */
const schedule = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .superRefine((value, ctx) => {
    if (value.split(/\s+/).length !== 5) {
      ctx.addIssue({ code: "custom", message: "must be a cron line of five fields: minute hour day-of-month month day-of-week (UTC)" });
      return;
    }
    const problem = cronProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: `is not a cron line: ${problem}` });
  });

/** What the channel does with its merged catch-up: squash it into two layers only above this many layers (null: the dashboard's default). */
const policy = z
  .object({
    squashAboveLayers: z
      .number()
      .int("must be a whole number of layers")
      .min(1, "must be at least 1")
      .max(SQUASH_ABOVE_LAYERS_MAX, `must be at most ${SQUASH_ABOVE_LAYERS_MAX}: a merge adds layers onto an unsquashed image, and the engine stops at ${LAYER_LIMIT}`)
      .nullable()
      .optional(),
  })
  .strict();

const triggers = z.object({ bundleStored: z.boolean().optional(), schedule: schedule.nullish() }).strict();

export const createChannelBodySchema = z
  .object({
    name,
    workspaceId: z.number().int().positive(),
    branch,
    legacyProbes: z.boolean().default(false),
    image,
    registryId: z.number().int().positive().nullish(),
    triggers: triggers.optional(),
    policy: policy.optional(),
  })
  .strict();
export type CreateChannelBody = z.infer<typeof createChannelBodySchema>;

export const updateChannelBodySchema = z
  .object({
    name: name.optional(),
    branch: branch.optional(),
    legacyProbes: z.boolean().optional(),
    image: image.optional(),
    registryId: z.number().int().positive().nullable().optional(),
    triggers: triggers.optional(),
    policy: policy.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, "say what to change");
export type UpdateChannelBody = z.infer<typeof updateChannelBodySchema>;

export const channelIdParamsSchema = z.object({ id: z.coerce.number().int().positive() });

/** "Publish anyway": an admin's reason is kept in the audit log. */
export const publishAnywayBodySchema = z.object({ reason: z.string().trim().min(1, "say why the gate is overruled").max(1024) }).strict();
