import { failureGroupsQuerySchema } from "@/lib/failure-groups/failure-group-schemas";
import { listFailureGroups } from "@/lib/failure-groups/list-failure-groups";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({}, async ({ request }) => {
  const query = failureGroupsQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json(await listFailureGroups(query));
});
