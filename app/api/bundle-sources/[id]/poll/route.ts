import { bundleSourceIdParamsSchema } from "@/lib/bundle-sources/bundle-source-schemas";
import { pollBundleSource } from "@/lib/bundle-sources/poll-bundle-source";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Polls the source now and answers what it stored and refused. */
export const POST = route({ params: bundleSourceIdParamsSchema }, async ({ params }) => Response.json(await pollBundleSource(params.id)));
