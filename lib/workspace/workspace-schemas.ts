import { z } from "zod";

export const workspaceIdParamsSchema = z.object({ id: z.string().regex(/^\d{1,12}$/, "must be a workspace id").transform(Number) });
