import { buildIdParamsSchema, buildLogsQuerySchema } from "@/lib/builds/build-schemas";
import { getBuildView } from "@/lib/builds/get-build";
import { streamLogLines, streamLogText } from "@/lib/builds/stream-log-text";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ params: buildIdParamsSchema }, ({ request, params }) => {
  getBuildView(params.id);
  const { stage, download, format } = buildLogsQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const name = `build-${params.id}${stage ? `-${stage.replace(/[^a-z0-9_.-]/gi, "_")}` : ""}`;
  const disposition = download === "1" ? "attachment" : "inline";
  if (format === "ndjson") {
    return new Response(streamLogLines(params.id, stage), {
      headers: { "Content-Type": "application/x-ndjson; charset=utf-8", "Content-Disposition": `${disposition}; filename="${name}.ndjson"` },
    });
  }
  return new Response(streamLogText(params.id, stage), {
    headers: { "Content-Type": "text/plain; charset=utf-8", "Content-Disposition": `${disposition}; filename="${name}.log"` },
  });
});
