import { Readable } from "node:stream";
import { driverCellQuerySchema } from "@/lib/coverage/coverage-schemas";
import { openDriverFile } from "@/lib/driver-images/open-driver-file";
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
  const { file, name, size, sha256 } = await openDriverFile(params.id, cell);
  return new Response(Readable.toWeb(file) as ReadableStream, {
    headers: {
      "Content-Type": "application/gzip",
      "Content-Length": String(size),
      "Content-Disposition": `attachment; filename="${name.replace(/[^A-Za-z0-9._+~-]/g, "_")}"`,
      ...(sha256 ? { "X-Checksum-Sha256": sha256 } : {}),
    },
  });
});
