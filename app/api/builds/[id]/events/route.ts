import { stillHolds } from "@/lib/auth/guard";
import { buildIdParamsSchema } from "@/lib/builds/build-schemas";
import { streamBuildEvents } from "@/lib/builds/build-event-stream";
import { getBuildView } from "@/lib/builds/get-build";
import { env } from "@/lib/env";
import { route } from "@/lib/http/route";
import { sseResponse } from "@/lib/http/sse";
import { openStreamSlot } from "@/lib/http/stream-slots";

export const dynamic = "force-dynamic";

export const GET = route({ params: buildIdParamsSchema }, ({ request, params, principal }) => {
  getBuildView(params.id); // 404 before the stream starts
  const resume = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("after");
  const afterSeq = resume && /^\d{1,12}$/.test(resume) ? Number(resume) : 0;
  const { maxEventStreams, maxEventStreamsPerBuild } = env();
  // Counted (429 beyond the limits), and ended as soon as its reader may no longer read.
  const slot = openStreamSlot({
    key: `build:${params.id}`,
    limits: { total: maxEventStreams, perKey: maxEventStreamsPerBuild },
    who: principal,
    stillAllowed: () => principal !== null && stillHolds(principal, "viewer"),
    request: request.signal,
  });
  return sseResponse(streamBuildEvents(params.id, { afterSeq, signal: slot.signal, onClose: slot.release }));
});
