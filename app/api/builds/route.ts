import { createBuildBodySchema, listBuildsQuerySchema } from "@/lib/builds/build-schemas";
import { createBuild } from "@/lib/builds/create-build";
import { listBuildViews } from "@/lib/builds/list-builds";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route({ body: createBuildBodySchema }, async ({ body, principal }) => Response.json(await createBuild(body, { startedBy: principal?.name ?? null }), { status: 201 }));

export const GET = route({}, ({ request }) => {
  const query = listBuildsQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json(listBuildViews(query));
});
