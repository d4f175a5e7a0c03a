import { buildIdParamsSchema } from "@/lib/builds/build-schemas";
import { createRerun, describeRerun, rerunBodySchema } from "@/lib/builds/shards/create-rerun";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Re-run what failed: a new build of the build's failed and missing tasks, merged onto its image. */
export const POST = route({ params: buildIdParamsSchema, body: rerunBodySchema }, async ({ params, body, principal }) =>
  Response.json(await createRerun(params.id, body, { startedBy: principal?.name ?? null }), { status: 201 }),
);

/** What a re-run would build: the build's failed and missing tasks, by kernel, and whether a bundle is stored for each kernel. */
export const GET = route({ params: buildIdParamsSchema }, ({ params }) => Response.json(describeRerun(params.id)));
