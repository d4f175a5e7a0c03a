import { route } from "@/lib/http/route";
import { inspectImageBodySchema } from "@/lib/images/image-schemas";
import { recordDriverImage } from "@/lib/driver-images/record-driver-image";

export const dynamic = "force-dynamic";

export const POST = route({ body: inspectImageBodySchema }, async ({ request, body }) => {
  const { created, image } = await recordDriverImage(body, { signal: request.signal });
  return Response.json(image, { status: created ? 201 : 200 });
});
