import { route } from "@/lib/http/route";
import { imageIdParamsSchema } from "@/lib/images/image-schemas";
import { imageProvenance } from "@/lib/provenance/image-provenance";

export const dynamic = "force-dynamic";

/**
 * Every statement behind the image's drivers as JSON Lines (an in-toto
 * bundle: the build that made it first, then the builds of its inputs);
 * `?download` names it as a file.
 */
export const GET = route({ params: imageIdParamsSchema }, ({ request, params }) => {
  const statements = imageProvenance(params.id);
  const headers: Record<string, string> = { "Content-Type": "application/jsonl" };
  if (new URL(request.url).searchParams.has("download")) headers["Content-Disposition"] = `attachment; filename="image-${params.id}.intoto.jsonl"`;
  return new Response(statements.map((s) => `${JSON.stringify(s)}\n`).join(""), { headers });
});
