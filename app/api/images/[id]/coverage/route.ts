import { getCoverageView } from "@/lib/coverage/coverage-view";
import { route } from "@/lib/http/route";
import { imageIdParamsSchema } from "@/lib/images/image-schemas";

export const dynamic = "force-dynamic";

export const GET = route({ params: imageIdParamsSchema }, ({ params }) => Response.json(getCoverageView({ kind: "image", id: params.id })));
