import path from "node:path";
import { z } from "zod";

const location = z.string().trim().min(1, "say where the bundles are").max(2048);

/** A source: where, and how often it is looked at (minutes; an hour unless said). */
export const createBundleSourceBodySchema = z
  .discriminatedUnion("kind", [
    z
      .object({
        kind: z.literal("directory"),
        location: location.refine((p) => path.isAbsolute(p), "a directory source needs an absolute path on the dashboard's host"),
        pollMinutes: z.number().int().min(1).max(7 * 24 * 60).default(60),
      })
      .strict(),
    z
      .object({
        kind: z.literal("http"),
        location: location.superRefine((value, ctx) => {
          let url: URL;
          try {
            url = new URL(value);
          } catch {
            ctx.addIssue({ code: "custom", message: "is not a URL" });
            return;
          }
          if (url.protocol !== "http:" && url.protocol !== "https:") ctx.addIssue({ code: "custom", message: "must be an http or https URL" });
          // The location is shown to every signed-in user: no credentials in it.
          if (url.username || url.password) ctx.addIssue({ code: "custom", message: "must not carry a user name or password" });
        }),
        pollMinutes: z.number().int().min(1).max(7 * 24 * 60).default(60),
      })
      .strict(),
  ]);

export type CreateBundleSourceBody = z.infer<typeof createBundleSourceBodySchema>;

export const bundleSourceIdParamsSchema = z.object({ id: z.string().regex(/^\d{1,12}$/, "must be a bundle source id").transform(Number) });
