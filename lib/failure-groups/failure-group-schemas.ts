import { z } from "zod";
import { GROUP_STATES } from "./group-state";

// What the failure group routes, page and form accept.

export const NOTE_MAX_BYTES = 4096;

export const failureGroupsQuerySchema = z.object({
  workspaceId: z.string().regex(/^\d{1,12}$/, "must be a workspace id").transform(Number),
  state: z.enum(GROUP_STATES, { error: `must be one of ${GROUP_STATES.join(", ")}` }).optional(),
});

export const failureGroupParamsSchema = z.object({ id: z.string().regex(/^\d{1,12}$/, "must be a failure group id").transform(Number) });

export const acknowledgeBodySchema = z.object({
  note: z
    .string()
    .trim()
    .min(1, "say what you found: the note is empty")
    .refine((s) => Buffer.byteLength(s, "utf8") <= NOTE_MAX_BYTES, `must be at most ${NOTE_MAX_BYTES} bytes (4 KB)`),
  /** The kobuild user who looks after it from now on; the one acknowledging when absent. */
  owner: z.string().trim().min(1).max(64).optional(),
});

export type AcknowledgeBody = z.infer<typeof acknowledgeBodySchema>;
