import { route } from "@/lib/http/route";
import { setRetentionBodySchema } from "@/lib/retention/retention-schemas";
import { getRetentionSettings, setRetention } from "@/lib/retention/retention-store";

export const dynamic = "force-dynamic";

export const GET = route({ role: "admin" }, () => Response.json(getRetentionSettings()));

export const PUT = route({ body: setRetentionBodySchema, role: "admin" }, ({ body, principal }) => {
  setRetention(body, principal!.name);
  return Response.json(getRetentionSettings());
});
