import { failureGroupParamsSchema } from "@/lib/failure-groups/failure-group-schemas";
import { getFailureGroup } from "@/lib/failure-groups/get-failure-group";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ params: failureGroupParamsSchema }, async ({ params }) => Response.json(await getFailureGroup(params.id)));
