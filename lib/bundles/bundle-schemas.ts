import { z } from "zod";

export const listBundlesQuerySchema = z.object({
  search: z.string().max(200).optional(),
  distro: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "must be a distro such as debian").optional(),
  version: z.coerce.number().int().min(0).max(99).optional(),
  sort: z.enum(["kernel", "uname", "distro", "version", "size", "addedAt"]).optional(),
  order: z.enum(["asc", "desc"]).optional(),
});

/** POST /api/bundles: `replace=1` lets an upload replace the stored bundle of its kernel. */
export const uploadBundlesQuerySchema = z.object({
  replace: z
    .enum(["0", "1"], { message: "must be 1 (replace the stored bundle of the same kernel) or 0" })
    .default("0")
    .transform((v) => v === "1"),
});

export const bundleIdParamsSchema = z.object({ id: z.string().regex(/^\d{1,12}$/, "must be a bundle id").transform(Number) });

export type BundleListQuery = z.infer<typeof listBundlesQuerySchema>;

/**
 * A page's search params as a bundle filter. Unlike the API, a shared or
 * hand-edited URL with one odd value still shows the list: that value is
 * dropped and the others kept. Repeated params count once (the first).
 */
export function parseBundleListParams(params: Record<string, string | string[] | undefined>): BundleListQuery {
  const query: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(listBundlesQuerySchema.shape)) {
    const raw = params[key];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined || value === "") continue;
    const parsed = field.safeParse(value);
    if (parsed.success) query[key] = parsed.data;
  }
  return query as BundleListQuery;
}
