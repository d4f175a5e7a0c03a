import { buildIdParamsSchema, buildLogsQuerySchema } from "@/lib/builds/build-schemas";
import { getBuildView } from "@/lib/builds/get-build";
import { streamLogText } from "@/lib/builds/stream-log-text";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ params: buildIdParamsSchema }, ({ request, params }) => {
  getBuildView(params.id);
  const { stage, download } = buildLogsQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return new Response(streamLogText(params.id, stage), {
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Disposition": `${download === "1" ? "attachment" : "inline"}; filename="build-${params.id}${stage ? `-${stage.replace(/[^a-z0-9_.-]/gi, "_")}` : ""}.log"`,
    },
  });
});
