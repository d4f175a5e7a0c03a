import { compareQuerySchema } from "@/lib/coverage/coverage-schemas";
import { getComparisonView } from "@/lib/coverage/coverage-view";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({}, ({ request }) => {
  const { from, to, limit } = compareQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json(getComparisonView(from, to, limit));
});
