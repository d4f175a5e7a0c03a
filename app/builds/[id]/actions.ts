"use server";

import { z } from "zod";
import { createRerun, rerunBodySchema } from "@/lib/builds/shards/create-rerun";
import type { Principal } from "@/lib/auth/guard";
import { serverAction } from "@/lib/http/server-action";

const sourceIdSchema = z.number().int().positive();

/** Re-runs what failed in a finished build; the same checks and domain call as POST /api/builds/:id/rerun. */
export const startRerunAction = serverAction(
  { role: "operator", audit: { action: "re-run build", target: (rerun) => `build ${rerun.source} as build ${rerun.id}` }, redirectTo: (rerun) => `/builds/${rerun.id}` },
  async (principal: Principal, sourceId: unknown, input: unknown) => {
    const source = sourceIdSchema.parse(sourceId);
    const rerun = await createRerun(source, rerunBodySchema.parse(input), { startedBy: principal.name });
    return { id: rerun.id, source };
  },
);
