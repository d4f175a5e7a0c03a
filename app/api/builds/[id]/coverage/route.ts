import { buildIdParamsSchema } from "@/lib/builds/build-schemas";
import { coverageQuerySchema } from "@/lib/coverage/coverage-schemas";
import { getCoverageCsv, getCoverageView } from "@/lib/coverage/coverage-view";
import { csvResponse } from "@/lib/http/csv-response";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ params: buildIdParamsSchema }, ({ request, params }) => {
  const { format } = coverageQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const ref = { kind: "build", id: params.id } as const;
  if (format === "csv") {
    const { fileName, text } = getCoverageCsv(ref);
    return csvResponse(text, fileName);
  }
  return Response.json(getCoverageView(ref));
});
