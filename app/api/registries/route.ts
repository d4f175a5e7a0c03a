import { createRegistryBodySchema } from "@/lib/registries/registry-schemas";
import { addRegistry, listRegistries } from "@/lib/registries/registry-store";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({}, () => Response.json({ registries: listRegistries() }));

export const POST = route({ body: createRegistryBodySchema, role: "admin" }, async ({ body }) => Response.json(await addRegistry(body), { status: 201 }));
