import { route } from "@/lib/http/route";
import { getHealth } from "@/lib/system/get-health";

export const dynamic = "force-dynamic";

// Public: load balancers, `npm run up` and the e2e servers ask it before anyone signs in.
export const GET = route({ role: "public" }, async () => {
  const health = await getHealth();
  // The app is up whenever the database answers; a missing engine only degrades it.
  return Response.json(health, { status: health.database.ok ? 200 : 503 });
});
