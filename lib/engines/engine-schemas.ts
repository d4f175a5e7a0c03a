import path from "node:path";
import { z } from "zod";
import { dockerHostSchema } from "@/lib/env";

// An engine added on Settings is reached the ways DOCKER_HOST allows, minus
// http(s):// (tcp:// with a certificate directory says TLS) and minus anything
// that would make the address a secret (a password in an ssh:// address).
const HOST = String.raw`(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])`;
const ADDRESS = new RegExp(String.raw`^(?:unix:///[\w./@+-]+|tcp://${HOST}:\d{1,5}|ssh://(?:[A-Za-z0-9._-]+@)?${HOST}(?::\d{1,5})?)$`);

const portInRange = (url: string) => {
  const port = /^(?:tcp|ssh):\/\/.*:(\d+)$/.exec(url)?.[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
};

export const engineUrlSchema = dockerHostSchema
  .max(512, "must be at most 512 characters")
  .regex(ADDRESS, "must be unix:///path/to/docker.sock, tcp://host:port or ssh://[user@]host[:port] (no password, no path)")
  .refine(portInRange, "the port must be between 1 and 65535");

export const engineNameSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(64, "must be at most 64 characters")
  .regex(/^[\w .-]+$/, "may hold letters, digits, spaces and _ . -");

export const engineConcurrencySchema = z
  .number({ error: "must be a whole number from 1 to 64" })
  .int("must be a whole number from 1 to 64")
  .min(1, "must be at least 1")
  .max(64, "must be at most 64");

/** The files a TLS certificate directory holds, as DOCKER_CERT_PATH's does. */
export const CERT_FILES = ["ca.pem", "cert.pem", "key.pem"] as const;

const certPathSchema = z
  .string()
  .max(1024, "must be at most 1024 characters")
  .refine((p) => path.isAbsolute(p), "must be an absolute directory path on the dashboard's host")
  .refine((p) => !/[\u0000-\u001f]/.test(p), "must not hold control characters");

export const addEngineBodySchema = z
  .object({
    name: engineNameSchema,
    url: engineUrlSchema,
    certPath: certPathSchema.optional(),
    concurrency: engineConcurrencySchema.default(1),
  })
  .strict()
  .refine((b) => b.certPath === undefined || b.url.startsWith("tcp://"), {
    message: "a TLS certificate directory goes with a tcp:// address only",
    path: ["certPath"],
  });

export type AddEngineBody = z.infer<typeof addEngineBodySchema>;

export const updateEngineBodySchema = z
  .object({ name: engineNameSchema.optional(), concurrency: engineConcurrencySchema.optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.concurrency !== undefined, "give a name or a concurrency to change");

export type UpdateEngineBody = z.infer<typeof updateEngineBodySchema>;

export const engineIdParamsSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be an engine id") });
