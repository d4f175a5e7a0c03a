import { route } from "@/lib/http/route";
import { listImagesQuerySchema } from "@/lib/images/image-schemas";
import { listImageViews } from "@/lib/images/image-view";

export const dynamic = "force-dynamic";

export const GET = route({}, ({ request }) => Response.json(listImageViews(listImagesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams)))));
