import { z } from "zod";

export const listBundlesQuerySchema = z.object({
  search: z.string().max(200).optional(),
  distro: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "must be a distro such as debian").optional(),
  version: z.coerce.number().int().min(0).max(99).optional(),
  sort: z.enum(["kernel", "uname", "distro", "version", "size", "addedAt"]).optional(),
  order: z.enum(["asc", "desc"]).optional(),
});

export const bundleIdParamsSchema = z.object({ id: z.string().regex(/^\d{1,12}$/, "must be a bundle id").transform(Number) });
