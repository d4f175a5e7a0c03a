import { route } from "@/lib/http/route";
import { imageIdParamsSchema } from "@/lib/images/image-schemas";
import { getImageView } from "@/lib/driver-images/image-view";

export const dynamic = "force-dynamic";

export const GET = route({ params: imageIdParamsSchema }, ({ params }) => Response.json(getImageView(params.id)));
