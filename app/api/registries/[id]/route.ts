import { registryIdParamsSchema } from "@/lib/registries/registry-schemas";
import { deleteRegistry } from "@/lib/registries/registry-store";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const DELETE = route({ params: registryIdParamsSchema, role: "admin" }, ({ params }) => Response.json(deleteRegistry(params.id)));
