import { publishedImageOf } from "@/lib/channels/channel-store";
import { channelIdParamsSchema } from "@/lib/channels/channel-schemas";
import { getCoverageView } from "@/lib/coverage/coverage-view";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The published image's grid, the same shape as a build's or an image's. */
export const GET = route({ params: channelIdParamsSchema }, ({ params }) => Response.json(getCoverageView({ kind: "image", id: publishedImageOf(params.id) })));
