import { Readable } from "node:stream";
import { driverCellQuerySchema } from "@/lib/coverage/coverage-schemas";
import { findDriverFile } from "@/lib/coverage/driver-file";
import { getDefaultEngine } from "@/lib/docker/engine";
import { streamImageFile } from "@/lib/docker/image/stream-image-file";
import { ApiError } from "@/lib/http/api-error";
import { route } from "@/lib/http/route";
import { imageIdParamsSchema } from "@/lib/images/image-schemas";

export const dynamic = "force-dynamic";

/**
 * The driver file itself (`.ko.gz` or `.o.gz`), streamed out of the image on
 * the engine. Operators only: reading a file out of an image takes a
 * container, and viewers create nothing.
 */
export const GET = route({ params: imageIdParamsSchema, role: "operator" }, async ({ request, params }) => {
  const cell = driverCellQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { image, driver } = findDriverFile(params.id, cell);
  if (driver.kind !== "driver") throw new ApiError("not_found", "an unavailability marker has nothing to download");
  let file: Readable | null;
  try {
    file = await streamImageFile(getDefaultEngine(), image.dockerId, driver.path);
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404) throw new ApiError("not_found", `the engine no longer has image ${image.ref ?? image.dockerId}`);
    throw new ApiError("engine_unavailable", `cannot read the image from the engine: ${(error as Error).message}`);
  }
  if (!file) throw new ApiError("not_found", `${driver.path} is no longer in the image`);
  const name = driver.path.split("/").pop()!;
  return new Response(Readable.toWeb(file) as ReadableStream, {
    headers: {
      "Content-Type": "application/gzip",
      "Content-Length": String(driver.size),
      "Content-Disposition": `attachment; filename="${name.replace(/[^A-Za-z0-9._+~-]/g, "_")}"`,
      ...(driver.sha256 ? { "X-Checksum-Sha256": driver.sha256 } : {}),
    },
  });
});
