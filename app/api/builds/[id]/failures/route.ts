import { buildIdParamsSchema } from "@/lib/builds/build-schemas";
import { failuresQuerySchema } from "@/lib/coverage/coverage-schemas";
import { listFailuresView } from "@/lib/coverage/list-failures";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ params: buildIdParamsSchema }, ({ request, params }) => {
  const filter = failuresQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json(listFailuresView({ kind: "build", id: params.id }, filter));
});
