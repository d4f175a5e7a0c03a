import { failureIdParamsSchema } from "@/lib/coverage/coverage-schemas";
import { getFailureView } from "@/lib/coverage/list-failures";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ params: failureIdParamsSchema }, ({ params }) => Response.json(getFailureView(params.id)));
