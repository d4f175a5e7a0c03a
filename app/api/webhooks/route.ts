import { createWebhookBodySchema } from "@/lib/webhooks/webhook-schemas";
import { createWebhook, listWebhooks } from "@/lib/webhooks/webhook-store";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

// Admins only, reads too: a hook's URL may carry a token.
export const GET = route({ role: "admin" }, () => Response.json({ webhooks: listWebhooks() }));

export const POST = route({ body: createWebhookBodySchema, role: "admin" }, async ({ body, principal }) => Response.json(await createWebhook(body, principal?.name ?? null), { status: 201 }));
