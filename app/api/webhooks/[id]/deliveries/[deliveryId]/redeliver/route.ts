import { deliveryParamsSchema } from "@/lib/webhooks/webhook-schemas";
import { redeliver } from "@/lib/webhooks/webhook-store";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route({ params: deliveryParamsSchema, role: "admin" }, ({ params }) => Response.json(redeliver(params.id, params.deliveryId), { status: 201 }));
