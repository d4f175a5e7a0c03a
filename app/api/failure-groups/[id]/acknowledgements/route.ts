import { acknowledgeFailureGroup } from "@/lib/failure-groups/acknowledge-failure-group";
import { acknowledgeBodySchema, failureGroupParamsSchema } from "@/lib/failure-groups/failure-group-schemas";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

// The route wrapper records every call in the audit log, refused ones too.
export const POST = route({ params: failureGroupParamsSchema, body: acknowledgeBodySchema, role: "operator" }, ({ params, body, principal }) =>
  Response.json(acknowledgeFailureGroup(params.id, body, principal!), { status: 201 }),
);
