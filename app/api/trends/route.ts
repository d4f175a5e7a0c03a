import { route } from "@/lib/http/route";
import { getWorkspaceTrends } from "@/lib/trends/list-trends";
import { trendsQuerySchema } from "@/lib/trends/trend-schemas";

export const dynamic = "force-dynamic";

export const GET = route({}, async ({ request }) => {
  const query = trendsQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json(await getWorkspaceTrends(query));
});
