import { bundleSourceIdParamsSchema } from "@/lib/bundle-sources/bundle-source-schemas";
import { getBundleSource, removeBundleSource } from "@/lib/bundle-sources/bundle-source-store";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ params: bundleSourceIdParamsSchema }, ({ params }) => Response.json(getBundleSource(params.id)));

export const DELETE = route({ params: bundleSourceIdParamsSchema, role: "admin" }, ({ params }) => Response.json(removeBundleSource(params.id)));
