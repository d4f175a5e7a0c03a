import { driverLookupBodySchema, lookupFormatSchema } from "@/lib/drivers/driver-lookup-schemas";
import { lookupCsv } from "@/lib/drivers/driver-lookup-csv";
import { checkReleaseLines } from "@/lib/drivers/kernel-release";
import { lookupDrivers } from "@/lib/drivers/lookup-drivers";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/**
 * A fleet's kernels (`{kernels: ["<uname -r>", ...], imageId?, moduleVersion?}`,
 * up to 10,000 lines) against one driver image: each distinct kernel with the
 * nodes giving it, and a summary. A read: open to viewers, nothing is stored.
 */
export const POST = route({ role: "viewer", body: driverLookupBodySchema }, ({ request, body }) => {
  const { format } = lookupFormatSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const releases = checkReleaseLines(body.kernels);
  const lookup = lookupDrivers(releases, { imageId: body.imageId, moduleVersion: body.moduleVersion });
  if (format === "csv") {
    return new Response(lookupCsv(lookup.kernels), { headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="drivers-image-${lookup.image.id}.csv"` } });
  }
  return Response.json(lookup);
});
