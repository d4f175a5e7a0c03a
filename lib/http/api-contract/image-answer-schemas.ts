import { z } from "zod";
import { BUILD_KINDS } from "@/lib/vocabulary";

// What the image routes answer: a record kobuild read (one, a page of them,
// or the one an inspection made) and the listing of every driver image that
// is kobuild's (`source=all`).

const instant = z.iso.datetime();
const nullableInstant = instant.nullable();
const id = z.number().int();
const count = z.number().int().min(0);

export const imageRecordSchema = z
  .object({
    id,
    ref: z.string().nullable(),
    dockerId: z.string(),
    size: z.number().int().nullable(),
    layers: z.number().int().nullable(),
    imageCreatedAt: nullableInstant,
    readAt: nullableInstant,
    drivers: count,
    markers: count.meta({ description: "eBPF probes that cannot be built for their kernel (unavailable)." }),
    failures: count.meta({ description: "Failure logs the image holds." }),
    kernels: count,
    moduleVersions: z.array(z.string()),
    builds: z.array(id).meta({ description: "The builds that made the image." }),
  })
  .meta({ id: "ImageRecord", description: "An image kobuild has read: what it holds and which builds made it." });

export const imageRecordsPageSchema = z
  .object({ total: count, page: z.number().int().min(1), perPage: z.number().int().min(1), images: z.array(imageRecordSchema) })
  .meta({ description: "`source=read`: the images kobuild has read, newest read first." });

const driverImageItem = z.object({
  dockerId: z.string().nullable().meta({ description: "The image id (sha256:…); for a registry tag, its config digest, which is the same id." }),
  recordId: id.nullable().meta({ description: "kobuild's record of the image: the coverage and failure routes take it." }),
  readAt: nullableInstant,
  refs: z.array(z.string()),
  registryRefs: z.array(z.object({ registryId: id, registry: z.string(), ref: z.string() })),
  local: z.boolean().meta({ description: "The engine holds the image." }),
  size: z.number().int().nullable(),
  layers: z.number().int().nullable(),
  layerState: z.enum(["ok", "near-limit", "over-limit"]),
  createdAt: nullableInstant,
  versions: z.array(z.object({ moduleVersion: z.string(), modules: count, probes: count, markers: count, failures: count })),
  totals: z.object({ drivers: count, markers: count, failures: count }),
  producedBy: z.object({ buildId: id, kind: z.enum(BUILD_KINDS) }).nullable().meta({ description: "The build or image operation that made it." }),
  layersBefore: z.number().int().nullable().meta({ description: "For a squash result: the layers of the image it squashed." }),
});
export const driverImageListingSchema = z
  .object({
    images: z.array(driverImageItem),
    engineError: z.string().nullable(),
    registries: z.array(z.object({ id, name: z.string(), url: z.string(), error: z.string().nullable(), truncated: z.boolean() })),
    unchecked: count.meta({ description: "Tagged local images not looked into, because the caller (a viewer) may not create the container that looks." }),
  })
  .meta({ description: "`source=all`: every driver image that is kobuild's, one per image id, newest first." });

export const imagesAnswerSchema = z.union([imageRecordsPageSchema, driverImageListingSchema]);
