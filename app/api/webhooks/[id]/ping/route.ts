import { webhookIdParamsSchema } from "@/lib/webhooks/webhook-schemas";
import { pingWebhook } from "@/lib/webhooks/webhook-store";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route({ params: webhookIdParamsSchema, role: "admin" }, ({ params, principal }) => Response.json(pingWebhook(params.id, principal?.name ?? null), { status: 201 }));
