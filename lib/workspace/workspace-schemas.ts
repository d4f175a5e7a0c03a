import { z } from "zod";
import { BUILD_NETWORKS } from "@/lib/vocabulary";

export const workspaceIdParamsSchema = z.object({ id: z.string().regex(/^\d{1,12}$/, "must be a workspace id").transform(Number) });

export const registerWorkspaceBodySchema = z
  .object({
    name: z.string().min(1).max(63),
    path: z.string().min(1).max(4096),
    dockerfile: z.string().min(1).max(1024).optional(),
    network: z.enum(BUILD_NETWORKS).optional(),
  })
  .strict();
