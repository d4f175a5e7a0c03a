import { z } from "zod";
import { deleteBundle } from "@/lib/bundles/delete-bundle";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const bundleIdParamsSchema = z.object({ id: z.string().regex(/^\d{1,12}$/, "must be a bundle id").transform(Number) });

export const DELETE = route({ params: bundleIdParamsSchema }, async ({ params }) => Response.json(await deleteBundle(params.id)));
