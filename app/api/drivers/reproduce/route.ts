import { reproduceBodySchema } from "@/lib/drivers/driver-lookup-schemas";
import { startReproduction } from "@/lib/drivers/start-reproduction";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Builds one driver again from its recorded commit, bundle and base images: 201 with the build (kind `reproduce`). */
export const POST = route({ body: reproduceBodySchema }, async ({ body, principal }) =>
  Response.json(await startReproduction(body, { startedBy: principal?.name ?? null }), { status: 201 }),
);
