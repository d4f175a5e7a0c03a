import { z } from "zod";

// host[:port] as an image reference names a registry: DNS labels, an IPv4
// address or a bracketed IPv6 one; no scheme, no path.
const HOST_PORT = /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::\d{1,5})?$/;

export const registryUrl = z
  .string()
  .max(255)
  .regex(HOST_PORT, "must be a registry address host[:port], such as 127.0.0.1:5000 or quay.io (no scheme, no path)")
  .refine((v) => {
    const port = /:(\d+)$/.exec(v)?.[1];
    return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
  }, "the port must be between 1 and 65535");

/** A repository path inside a registry (no host): drivers/collector-drivers. */
export const registryRepository = z
  .string()
  .max(255)
  .regex(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/, "must be a repository path such as drivers/collector-drivers");

export const imageTag = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "must be a tag: letters, digits, _ . - and at most 128 characters");

export const createRegistryBodySchema = z
  .object({
    name: z.string().trim().min(1).max(64).regex(/^[\w .-]+$/, "may hold letters, digits, spaces and _ . -"),
    url: registryUrl,
    username: z.string().min(1).max(256).optional(),
    password: z.string().min(1).max(4096).optional(),
  })
  .strict()
  .refine((b) => !b.username === !b.password, { message: "username and password go together", path: ["password"] });

export type CreateRegistryBody = z.infer<typeof createRegistryBodySchema>;

export const registryIdParamsSchema = z.object({ id: z.string().regex(/^\d{1,12}$/, "must be a registry id").transform(Number) });

export const pullBodySchema = z.object({ repository: registryRepository, tag: imageTag.default("latest") }).strict();

export const tagsQuerySchema = z.object({ repository: registryRepository });

export const pushBodySchema = z
  .object({ registryId: z.number().int().positive(), repository: registryRepository, tag: imageTag })
  .strict();
