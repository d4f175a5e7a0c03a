import { z } from "zod";
import { isKernelFamily, KERNEL_FAMILIES } from "./kernel-family";

// What the coverage and failure routes accept, checked before anything is read.

const SUBJECT = /^(?:(build|image):)?(\d{1,12})$/;

/** `build:12`, `image:3`, or a bare build id `12`. */
export const subjectRefSchema = z
  .string()
  .regex(SUBJECT, "must be build:<id>, image:<id> or a build id")
  .transform((value) => {
    const m = SUBJECT.exec(value)!;
    return { kind: (m[1] ?? "build") as "build" | "image", id: Number(m[2]) };
  });

/** `GET …/coverage[?format=csv]`: the packed grid (JSON) or one CSV row per cell. */
export const coverageQuerySchema = z.object({ format: z.enum(["json", "csv"]).default("json") });

export const compareQuerySchema = z.object({
  from: subjectRefSchema,
  to: subjectRefSchema,
  limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
});

const moduleVersion = z.string().max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, "must be a module version such as 2.2.0");

export const failuresQuerySchema = z.object({
  flavour: z.enum(["mod", "bpf"]).optional(),
  moduleVersion: moduleVersion.optional(),
  distro: z
    .string()
    .max(32)
    .refine(isKernelFamily, `must be a kernel family: ${KERNEL_FAMILIES.map((f) => f.id).join(", ")}`)
    .optional(),
});

export type FailuresFilter = z.infer<typeof failuresQuerySchema>;

export const failureIdParamsSchema = z.object({ id: z.string().regex(/^\d{1,12}$/, "must be a failure id").transform(Number) });

/** One cell of a grid: kernel, module version and flavour, as a driver lookup takes them. */
export const driverCellQuerySchema = z.object({
  kernel: z.string().min(1).max(200).regex(/^[A-Za-z0-9][A-Za-z0-9._+~-]*$/, "must be a kernel id"),
  moduleVersion,
  flavour: z.enum(["mod", "bpf"]),
});
