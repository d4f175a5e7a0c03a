import { updateWebhookBodySchema, webhookIdParamsSchema } from "@/lib/webhooks/webhook-schemas";
import { removeWebhook, updateWebhook } from "@/lib/webhooks/webhook-store";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Changes a hook's URL, events or format, or rotates its secret (never returned). */
export const PATCH = route({ params: webhookIdParamsSchema, body: updateWebhookBodySchema, role: "admin" }, async ({ params, body }) => Response.json(await updateWebhook(params.id, body)));

export const DELETE = route({ params: webhookIdParamsSchema, role: "admin" }, ({ params }) => Response.json(removeWebhook(params.id)));
