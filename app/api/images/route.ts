import { listDriverImages } from "@/lib/docker/image/list-driver-images";
import { route } from "@/lib/http/route";
import { listImagesQuerySchema } from "@/lib/images/image-schemas";
import { listImageViews } from "@/lib/images/image-view";

export const dynamic = "force-dynamic";

export const GET = route({}, async ({ request }) => {
  const query = listImagesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  if (query.source === "all") return Response.json(await listDriverImages({ everything: query.show === "all" }));
  return Response.json(listImageViews(query));
});
