import { buildIdParamsSchema } from "@/lib/builds/build-schemas";
import { streamBuildEvents } from "@/lib/builds/build-event-stream";
import { getBuildView } from "@/lib/builds/get-build";
import { route } from "@/lib/http/route";
import { sseResponse } from "@/lib/http/sse";

export const dynamic = "force-dynamic";

export const GET = route({ params: buildIdParamsSchema }, ({ request, params }) => {
  getBuildView(params.id); // 404 before the stream starts
  const resume = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("after");
  const afterSeq = resume && /^\d{1,12}$/.test(resume) ? Number(resume) : 0;
  return sseResponse(streamBuildEvents(params.id, { afterSeq, signal: request.signal }));
});
