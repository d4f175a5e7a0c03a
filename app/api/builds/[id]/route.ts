import { buildIdParamsSchema } from "@/lib/builds/build-schemas";
import { getBuildView } from "@/lib/builds/get-build";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ params: buildIdParamsSchema }, ({ params }) => Response.json(getBuildView(params.id)));
