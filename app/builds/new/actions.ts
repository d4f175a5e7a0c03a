"use server";

import { createBuildBodySchema } from "@/lib/builds/build-schemas";
import { createBuild } from "@/lib/builds/create-build";
import type { Principal } from "@/lib/auth/guard";
import { serverAction } from "@/lib/http/server-action";

/** Starts a build from the form; the same validation and domain call as POST /api/builds. */
export const startBuildAction = serverAction(
  { role: "operator", audit: { action: "start build", target: (build) => `build ${build.id}` }, redirectTo: (build) => `/builds/${build.id}` },
  (principal: Principal, input: unknown) => createBuild(createBuildBodySchema.parse(input), { startedBy: principal.name }),
);
