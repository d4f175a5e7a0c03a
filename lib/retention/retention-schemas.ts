import { z } from "zod";

/** A rule of one kind of record: kept while younger than `maxAgeDays` and among the newest `maxCount`; null: no limit. */
export const retentionRuleSchema = z
  .object({
    maxAgeDays: z.number().int().min(1).max(36_500).nullable(),
    maxCount: z.number().int().min(1).max(10_000_000).nullable(),
  })
  .strict();

const noLimit = { maxAgeDays: null, maxCount: null } as const;

/** The rules of what belongs to a workspace: its builds and their logs. */
export const workspaceRetentionSchema = z.object({ builds: retentionRuleSchema, logs: retentionRuleSchema }).strict();

/** The default policy: every kind of record kept by. */
export const retentionPolicySchema = workspaceRetentionSchema
  .extend({ failures: retentionRuleSchema, images: retentionRuleSchema, audit: retentionRuleSchema })
  .strict();

export type RetentionRule = z.infer<typeof retentionRuleSchema>;
export type WorkspaceRetention = z.infer<typeof workspaceRetentionSchema>;
export type RetentionPolicy = z.infer<typeof retentionPolicySchema>;

/** Until an admin says otherwise, everything is kept. */
export const KEEP_EVERYTHING: RetentionPolicy = { builds: noLimit, logs: noLimit, failures: noLimit, images: noLimit, audit: noLimit };

/** PUT /api/retention: the default policy, or one workspace's override (null removes it). One object, so that a refusal names the field. */
export const setRetentionBodySchema = z
  .object({
    default: retentionPolicySchema.optional(),
    workspaceId: z.number().int().min(1).optional(),
    override: workspaceRetentionSchema.nullable().optional(),
  })
  .strict()
  .refine((b) => (b.default !== undefined) !== (b.workspaceId !== undefined && b.override !== undefined), {
    message: "give either the default policy ({default}) or a workspace's rules ({workspaceId, override})",
  })
  .refine((b) => b.default === undefined || (b.workspaceId === undefined && b.override === undefined), { message: "the default policy goes alone" });

export type SetRetentionBody = z.infer<typeof setRetentionBodySchema>;

/** POST /api/retention/prune?dryRun=1 */
export const pruneQuerySchema = z.object({ dryRun: z.enum(["0", "1", "true", "false"]).optional() }).strict();
