import { z } from "zod";
import { listBundles } from "@/lib/bundles/list-bundles";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const listBundlesQuerySchema = z.object({
  search: z.string().max(200).optional(),
  distro: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/).optional(),
  version: z.coerce.number().int().min(0).max(99).optional(),
  sort: z.enum(["kernel", "uname", "distro", "version", "size", "addedAt"]).optional(),
  order: z.enum(["asc", "desc"]).optional(),
});

export const GET = route({}, ({ request }) => {
  const filter = listBundlesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json({ bundles: listBundles(filter) });
});
