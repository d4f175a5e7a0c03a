import { driverCellQuerySchema } from "@/lib/coverage/coverage-schemas";
import { findDriverFile } from "@/lib/driver-images/driver-file";
import { route } from "@/lib/http/route";
import { imageIdParamsSchema } from "@/lib/images/image-schemas";
import { driverOriginOf } from "@/lib/provenance/driver-origin";
import { latestReproduction } from "@/lib/drivers/latest-reproduction";

export const dynamic = "force-dynamic";

/** The driver (or marker) of one cell: path, size, sha256, where it came from (commit, bundle, builder image) and its latest reproduction. */
export const GET = route({ params: imageIdParamsSchema }, ({ request, params }) => {
  const cell = driverCellQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { image, driver } = findDriverFile(params.id, cell);
  return Response.json({ image: { id: image.id, ref: image.ref }, ...driver, download: driver.kind === "driver" ? `/api/images/${image.id}/driver/download?${new URLSearchParams(cell)}` : null, origin: driver.kind === "driver" ? driverOriginOf(image.id, cell) : null, reproduction: driver.kind === "driver" ? latestReproduction(image.id, cell) : null });
});
