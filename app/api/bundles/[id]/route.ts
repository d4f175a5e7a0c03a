import { bundleIdParamsSchema } from "@/lib/bundles/bundle-schemas";
import { deleteBundle } from "@/lib/bundles/delete-bundle";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const DELETE = route({ params: bundleIdParamsSchema }, async ({ params }) => Response.json(await deleteBundle(params.id)));
