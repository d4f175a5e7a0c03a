import { failuresQuerySchema } from "@/lib/coverage/coverage-schemas";
import { listFailuresView } from "@/lib/coverage/list-failures";
import { route } from "@/lib/http/route";
import { imageIdParamsSchema } from "@/lib/images/image-schemas";

export const dynamic = "force-dynamic";

export const GET = route({ params: imageIdParamsSchema }, ({ request, params }) => {
  const filter = failuresQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json(listFailuresView({ kind: "image", id: params.id }, filter));
});
