import type { ApiClient } from "./api-client";
import { UsageError } from "./exit-codes";

type Named = { id: number; name: string };
type Bundle = { id: number; kernel: string };

/** A workspace given by id or by name, as its id. */
export async function workspaceId(client: ApiClient, given: string): Promise<number> {
  if (/^\d{1,12}$/.test(given)) return Number(given);
  const { workspaces } = await client.getJson<{ workspaces: Named[] }>("/api/workspaces");
  const found = workspaces.find((w) => w.name === given);
  if (!found) throw new UsageError(`no workspace named "${given}" (there are: ${workspaces.map((w) => w.name).join(", ") || "none"})`);
  return found.id;
}

/** Bundles given by id or by kernel (`bundle-<kernel>.tgz` too), as ids; unknown ones are named together. */
export async function bundleIds(client: ApiClient, given: readonly string[]): Promise<number[]> {
  const names = given.filter((g) => !/^\d{1,12}$/.test(g));
  const byKernel = new Map<string, number>();
  if (names.length > 0) {
    const { bundles } = await client.getJson<{ bundles: Bundle[] }>("/api/bundles");
    for (const b of bundles) byKernel.set(b.kernel, b.id);
  }
  const unknown: string[] = [];
  const ids = given.map((g) => {
    if (/^\d{1,12}$/.test(g)) return Number(g);
    const kernel = g.replace(/^bundle-/, "").replace(/\.tgz$/, "");
    const id = byKernel.get(kernel);
    if (id === undefined) unknown.push(g);
    return id ?? 0;
  });
  if (unknown.length > 0) throw new UsageError(`no stored bundle for ${unknown.join(", ")}`);
  return [...new Set(ids)];
}
