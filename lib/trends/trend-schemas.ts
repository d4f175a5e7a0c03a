import { z } from "zod";
import { isValidRefName } from "@/lib/workspace/ref-name";

// What the trends route and page accept, checked before anything is read.

const id = (what: string) => z.string().regex(/^\d{1,12}$/, `must be a ${what} id`).transform(Number);

export const trendsQuerySchema = z.object({
  workspaceId: id("workspace"),
  branch: z.string().min(1).max(255).refine(isValidRefName, "must be a git branch or tag name").optional(),
  /** The latest builds to show, one point each. */
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

export type TrendsQuery = z.infer<typeof trendsQuerySchema>;
