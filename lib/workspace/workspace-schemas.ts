import { z } from "zod";
import { BUILD_NETWORKS } from "@/lib/vocabulary";

export const workspaceIdParamsSchema = z.object({ id: z.string().regex(/^\d{1,12}$/, "must be a workspace id").transform(Number) });

/** The network a workspace's builds run with: the engine's default, none, or the host's. */
export const workspaceNetworkSchema = z.enum(BUILD_NETWORKS);

const dockerfile = z.string().min(1).max(1024);

export const registerWorkspaceBodySchema = z
  .object({
    name: z.string().min(1).max(63),
    /** A checkout on the dashboard's host. */
    path: z.string().min(1).max(4096).optional(),
    /** A git remote kobuild clones and fetches. */
    url: z.string().min(1).max(2048).optional(),
    dockerfile: dockerfile.optional(),
    network: workspaceNetworkSchema.optional(),
  })
  .strict()
  .refine((b) => (b.path === undefined) !== (b.url === undefined), { message: "give either a path (a checkout on this machine) or a url (a git remote)", path: ["url"] });

export const updateWorkspaceBodySchema = z
  .object({ dockerfile: dockerfile.optional(), network: workspaceNetworkSchema.optional() })
  .strict()
  .refine((b) => b.dockerfile !== undefined || b.network !== undefined, "give a dockerfile or a network to change");
