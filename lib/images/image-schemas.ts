import { z } from "zod";

export const imageIdParamsSchema = z.object({ id: z.string().regex(/^\d{1,12}$/, "must be an image id").transform(Number) });

export const inspectImageBodySchema = z
  .object({
    /** Any reference the engine knows: repository:tag, repository@digest or sha256:<id>. */
    ref: z.string().min(1, "must be an image reference").max(400),
    /** Read the image again even when kobuild has read the same image id before. */
    reread: z.boolean().default(false),
  })
  .strict();

export const listImagesQuerySchema = z.object({
  /** read: the images kobuild has read; all: also local images with /kernel-modules and registry tags. */
  source: z.enum(["read", "all"]).default("read"),
  /** With source=all: also kobuild's helper images, other installations' tags and local images not named like a driver image. */
  show: z.enum(["all"]).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  perPage: z.coerce.number().int().min(1).max(200).default(50),
});
