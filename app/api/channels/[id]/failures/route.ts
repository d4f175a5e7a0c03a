import { publishedImageOf } from "@/lib/channels/channel-store";
import { channelIdParamsSchema } from "@/lib/channels/channel-schemas";
import { failuresQuerySchema } from "@/lib/coverage/coverage-schemas";
import { listFailuresView } from "@/lib/coverage/list-failures";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The published image's failure logs grouped by signature, the same shape as a build's. */
export const GET = route({ params: channelIdParamsSchema }, ({ request, params }) => {
  const filter = failuresQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json(listFailuresView({ kind: "image", id: publishedImageOf(params.id) }, filter));
});
