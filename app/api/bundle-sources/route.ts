import { createBundleSourceBodySchema } from "@/lib/bundle-sources/bundle-source-schemas";
import { addBundleSource, listBundleSources } from "@/lib/bundle-sources/bundle-source-store";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({}, () => Response.json({ sources: listBundleSources() }));

export const POST = route({ body: createBundleSourceBodySchema, role: "admin" }, ({ body, principal }) => Response.json(addBundleSource(body, principal?.name ?? null), { status: 201 }));
