import { buildIdParamsSchema } from "@/lib/builds/build-schemas";
import { route } from "@/lib/http/route";
import { getBuildProvenance } from "@/lib/provenance/read-build-provenance";

export const dynamic = "force-dynamic";

/** The build's in-toto statement (SLSA Provenance v1); `?download` names it as a file. */
export const GET = route({ params: buildIdParamsSchema }, ({ request, params }) => {
  const statement = getBuildProvenance(params.id);
  const headers: Record<string, string> = { "Content-Type": "application/vnd.in-toto+json" };
  if (new URL(request.url).searchParams.has("download")) headers["Content-Disposition"] = `attachment; filename="build-${params.id}.provenance.json"`;
  return new Response(`${JSON.stringify(statement, null, 2)}\n`, { headers });
});
