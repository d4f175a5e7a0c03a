import { registryIdParamsSchema, tagsQuerySchema } from "@/lib/registries/registry-schemas";
import { listRegistryTags } from "@/lib/registries/registry-http";
import { getRegistryRow, registryAccess } from "@/lib/registries/registry-store";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ params: registryIdParamsSchema }, async ({ request, params }) => {
  const { repository } = tagsQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const row = getRegistryRow(params.id);
  return Response.json({ registry: { id: row.id, name: row.name, url: row.url }, repository, tags: await listRegistryTags(registryAccess(row), repository) });
});
