import { driverQuerySchema } from "@/lib/drivers/driver-lookup-schemas";
import { lookupCsv } from "@/lib/drivers/driver-lookup-csv";
import { lookupDrivers } from "@/lib/drivers/lookup-drivers";
import { csvResponse } from "@/lib/http/csv-response";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** What one driver image holds for the kernel a node reports (`uname -r`): per module version and flavour, or the nearest bundles. */
export const GET = route({}, ({ request }) => {
  const query = driverQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const lookup = lookupDrivers([query.kernel], { imageId: query.imageId, moduleVersion: query.moduleVersion });
  if (query.format === "csv") return csvResponse(lookupCsv(lookup.kernels), `drivers-image-${lookup.image.id}.csv`);
  return Response.json(lookup);
});
