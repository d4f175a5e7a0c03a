import { buildIdParamsSchema } from "@/lib/builds/build-schemas";
import { getCoverageView } from "@/lib/coverage/coverage-view";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ params: buildIdParamsSchema }, ({ params }) => Response.json(getCoverageView({ kind: "build", id: params.id })));
