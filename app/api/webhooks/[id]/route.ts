import { webhookIdParamsSchema } from "@/lib/webhooks/webhook-schemas";
import { removeWebhook } from "@/lib/webhooks/webhook-store";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const DELETE = route({ params: webhookIdParamsSchema, role: "admin" }, ({ params }) => Response.json(removeWebhook(params.id)));
