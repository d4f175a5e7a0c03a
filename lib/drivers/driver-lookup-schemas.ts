import { z } from "zod";
import { MAX_LOOKUP_LINES, releaseProblem } from "./kernel-release";

// What the driver lookup's doors accept, checked before anything is read.

const release = z.string().superRefine((value, ctx) => {
  const problem = releaseProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: `${problem}` });
});
const moduleVersion = z.string().max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, "must be a module version such as 2.2.0");
const imageId = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const format = z.enum(["json", "csv"]).default("json");

/** `GET /api/drivers?kernel=<uname -r>[&moduleVersion=][&imageId=][&format=csv]`. */
export const driverQuerySchema = z.object({
  kernel: release,
  moduleVersion: moduleVersion.optional(),
  imageId: imageId.optional(),
  format,
});

/** `POST /api/drivers/lookup`: a fleet's `uname -r` lines (blank ones skipped; each line is checked by checkReleaseLines). */
export const driverLookupBodySchema = z
  .object({
    kernels: z.array(z.string().max(1000)).max(MAX_LOOKUP_LINES, `at most ${MAX_LOOKUP_LINES} kernels at once`),
    imageId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    moduleVersion: moduleVersion.optional(),
  })
  .strict();

/** `?format=csv` of the lookup. */
export const lookupFormatSchema = z.object({ format });

/** `POST /api/drivers/reproduce`: one cell of an image whose driver is built again from its recorded inputs. */
export const reproduceBodySchema = z
  .object({
    imageId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    kernel: z.string().min(1).max(200).regex(/^[A-Za-z0-9][A-Za-z0-9._+~-]*$/, "must be a kernel id"),
    moduleVersion,
    flavour: z.enum(["mod", "bpf"]),
  })
  .strict();
