import { hasRole } from "@/lib/auth/roles";
import { listDriverImages } from "@/lib/docker/image/list-driver-images";
import { route } from "@/lib/http/route";
import { listImagesQuerySchema } from "@/lib/images/image-schemas";
import { listImageViews } from "@/lib/images/image-view";

export const dynamic = "force-dynamic";

export const GET = route({}, async ({ request, principal }) => {
  const query = listImagesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  // A viewer's listing creates no container: local images not looked into before are counted in `unchecked`.
  if (query.source === "all") return Response.json(await listDriverImages({ probe: hasRole(principal!.role, "operator") }));
  return Response.json(listImageViews(query));
});
