import { createWebhookBodySchema, deliveryParamsSchema, updateWebhookBodySchema, webhookIdParamsSchema } from "@/lib/webhooks/webhook-schemas";
import * as answers from "../answer-schemas";
import type { OperationGroup } from "../operation";

export const webhookOperations: OperationGroup = {
  tag: "Webhooks",
  description: "Outgoing webhooks and their deliveries. A hook's URL may carry a token: admins only.",
  operations: [
    { method: "GET", path: "/api/webhooks", summary: "List the webhooks", description: "Each with its latest 20 deliveries; never a secret.", role: "admin", answers: [{ status: 200, description: "The webhooks.", schema: answers.webhooksAnswerSchema }] },
    {
      method: "POST",
      path: "/api/webhooks",
      summary: "Add a webhook",
      description: "A URL whose host resolves to a loopback, link-local or private address is refused (400) unless KOBUILD_WEBHOOK_ALLOW_PRIVATE=true.",
      role: "admin",
      body: createWebhookBodySchema,
      answers: [{ status: 201, description: "The hook, without its secret.", schema: answers.webhookSchema }],
    },
    {
      method: "PATCH",
      path: "/api/webhooks/{id}",
      summary: "Change a webhook or rotate its secret",
      description: "Any of url, events, format and secret; a new secret replaces the old one at once and is never returned. A new URL is checked as when a hook is added.",
      role: "admin",
      params: webhookIdParamsSchema,
      body: updateWebhookBodySchema,
      answers: [{ status: 200, description: "The hook as changed, without its secret.", schema: answers.webhookSchema }],
    },
    { method: "DELETE", path: "/api/webhooks/{id}", summary: "Remove a webhook and its deliveries", role: "admin", params: webhookIdParamsSchema, answers: [{ status: 200, description: "The hook as it was.", schema: answers.webhookSchema }] },
    { method: "POST", path: "/api/webhooks/{id}/ping", summary: "Send a hook a ping event", role: "admin", params: webhookIdParamsSchema, answers: [{ status: 201, description: "The pending delivery.", schema: answers.deliverySchema }] },
    {
      method: "POST",
      path: "/api/webhooks/{id}/deliveries/{deliveryId}/redeliver",
      summary: "Send a delivery again",
      description: "A new delivery of the same body (same bytes, same signature).",
      role: "admin",
      params: deliveryParamsSchema,
      answers: [{ status: 201, description: "The new delivery.", schema: answers.deliverySchema }],
    },
  ],
};
