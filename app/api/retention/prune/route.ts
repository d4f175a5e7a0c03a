import { route } from "@/lib/http/route";
import { pruneQuerySchema } from "@/lib/retention/retention-schemas";
import { pruneRecords } from "@/lib/retention/prune-records";

export const dynamic = "force-dynamic";

export const POST = route({ role: "admin" }, ({ request, principal }) => {
  const query = pruneQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const dryRun = query.dryRun === "1" || query.dryRun === "true";
  return Response.json(pruneRecords({ dryRun, actor: principal!.name }));
});
