import { z } from "zod";
import { CELL_STATES } from "@/lib/coverage/coverage-model";
import { failuresQuerySchema } from "@/lib/coverage/coverage-schemas";
import { KERNEL_FAMILIES, type KernelFamilyId } from "@/lib/coverage/kernel-family";
import { DRIVER_STATES, RELEASE_VERDICTS } from "@/lib/drivers/driver-lookup-model";
import { GROUP_STATES } from "@/lib/failure-groups/group-state";
import { BUILD_STATUSES, FLAVOURS } from "@/lib/vocabulary";

// What the coverage, failure, failure group, compare, trends and driver
// lookup routes answer. The enums come from the code that makes the values
// (cell states, kernel families, verdicts), so a new value reaches the
// document by itself; answer-ties.ts holds the shapes to the lib functions.

const instant = z.iso.datetime();
const nullableInstant = instant.nullable();
const id = z.number().int();

const family = z.enum(KERNEL_FAMILIES.map((f) => f.id) as [KernelFamilyId, ...KernelFamilyId[]]).meta({ id: "KernelFamily", description: "A kernel's distribution family, as a grid groups it." });
const flavour = z.enum(FLAVOURS);
const cellState = z.enum(CELL_STATES);
const cellCounts = z.record(cellState, z.number().int().min(0)).meta({ description: "Cells per state." });
const blocklistRule = z
  .object({ file: z.string().nullable(), line: z.number().int().nullable(), text: z.string().nullable() })
  .meta({ id: "BlocklistRule", description: "A BLOCKLIST rule: its file (relative to the checkout; null when not known), line and patterns." });
/** A [cell, value] pair of a grid's side table. */
const cellPair = z.tuple([z.number().int().min(0), z.number().int().min(0)]);

const buildSubject = z.object({
  kind: z.literal("build"),
  id,
  status: z.enum(BUILD_STATUSES),
  branch: z.string().nullable(),
  commit: z.string().nullable(),
  commitDirty: z.boolean().nullable(),
  workspace: z.object({ id: id.nullable(), name: z.string() }).nullable(),
  image: z.object({ id, ref: z.string().nullable(), dockerId: z.string() }).nullable(),
  createdAt: instant,
  finishedAt: nullableInstant,
});
const imageSubject = z.object({
  kind: z.literal("image"),
  id,
  ref: z.string().nullable(),
  dockerId: z.string(),
  readAt: nullableInstant,
  builds: z.array(id).meta({ description: "The builds that made the image." }),
});
export const coverageSubjectSchema = z.discriminatedUnion("kind", [buildSubject, imageSubject]).meta({ id: "CoverageSubject", description: "What a grid or a failure list is of: a build or an image." });

export const coverageGridSchema = z
  .object({
    subject: coverageSubjectSchema,
    tasksOf: id.nullable().meta({ description: "The build whose tasks explain the grid (an earlier build of the same image when the engine reused every stage); null when unknown." }),
    flavours: z.tuple([z.literal("mod"), z.literal("bpf")]),
    states: z.record(z.string(), cellState).meta({ description: "What each character of `cells` means." }),
    kernels: z.array(z.object({ name: z.string(), family })),
    families: z.array(z.object({ id: family, label: z.string(), kernels: z.number().int().min(1) })).meta({ description: "The families of the listed kernels, in display order, with how many kernels each has." }),
    moduleVersions: z.array(z.string()),
    cells: z.string().meta({ description: "One character per cell: `cells[(k * moduleVersions.length + m) * 2 + f]` (k: kernel, m: module version, f: 0 mod, 1 bpf)." }),
    counts: cellCounts,
    perModuleVersion: z.array(z.object({ moduleVersion: z.string(), mod: cellCounts, bpf: cellCounts })),
    failures: z.array(cellPair).meta({ description: "[cell index, failure id] of each failed cell that has a log." }),
    blocklistRules: z.array(blocklistRule),
    blocklisted: z.array(cellPair).meta({ description: "[cell index, index into blocklistRules] of each blocklisted cell whose rule is known." }),
  })
  .meta({ id: "CoverageGrid", description: "Every kernel × module version × flavour of a build or an image, packed: one character per cell." });

const failureEntry = z.object({ id, kernel: z.string(), family, moduleVersion: z.string(), flavour, signature: z.string().nullable().meta({ description: "Null when the log was empty." }) });
const failureGroup = z.object({
  signature: z.string().nullable().meta({ description: "The normalised first error line; null for failures with an empty log." }),
  count: z.number().int().min(1),
  kernels: z.array(z.string()),
  moduleVersions: z.array(z.string()),
  flavours: z.array(flavour),
  families: z.array(family),
  exampleFailureId: id.meta({ description: "A failure of the group whose log shows the error (of its newest kernel)." }),
  failures: z.array(failureEntry),
});
export const failuresAnswerSchema = z
  .object({ subject: coverageSubjectSchema, filter: failuresQuerySchema, total: z.number().int().min(0), groups: z.array(failureGroup).meta({ description: "One group per signature, largest first." }) })
  .meta({ id: "Failures", description: "A build's or an image's failure logs, grouped by signature, after the filters." });

export const failureSchema = z
  .object({
    id,
    image: z.object({ id, ref: z.string().nullable() }),
    builds: z.array(id).meta({ description: "The builds that made the image." }),
    kernel: z.string(),
    family,
    moduleVersion: z.string(),
    flavour,
    path: z.string(),
    signature: z.string().nullable(),
    line: z.string().nullable().meta({ description: "The log line the signature comes from, as the log has it." }),
    source: z.enum(["compiler", "linker", "modpost", "make", "builder", "last-line"]).nullable().meta({ description: "Which kind of line it is." }),
    log: z.string(),
  })
  .meta({ id: "Failure", description: "One failure with its whole log." });

export const comparisonSchema = z.object({
  from: coverageSubjectSchema,
  to: coverageSubjectSchema,
  moduleVersions: z.array(z.object({ from: z.string().nullable(), to: z.string().nullable() })).meta({ description: "The module versions paired across the two sides." }),
  counts: z.object({ regressions: z.number().int(), fixes: z.number().int(), changes: z.number().int(), unchanged: z.number().int() }),
  truncated: z.boolean().meta({ description: "More cells changed than `limit`: the counts cover them all." }),
  changes: z.array(
    z.object({
      kernel: z.string(),
      family,
      flavour,
      fromModuleVersion: z.string().nullable(),
      toModuleVersion: z.string().nullable(),
      from: cellState,
      to: cellState,
      kind: z.enum(["regression", "fix", "change"]),
      failureId: id.nullable().meta({ description: "The `to` side's failure, when it failed with a log." }),
      rule: blocklistRule.nullable().meta({ description: "The `to` side's BLOCKLIST rule, when it is blocklisted." }),
    }),
  ),
});

// Failure groups

const sighting = z.object({ buildId: id, at: instant });
const groupRecord = z.object({
  id,
  workspaceId: id,
  signature: z.string().nullable(),
  state: z.enum(GROUP_STATES),
  firstSeen: sighting,
  lastSeen: sighting,
  lastClear: z.object({ buildId: id, at: nullableInstant }).nullable().meta({ description: "The latest build that planned its tasks and had none fail this way." }),
  builds: z.number().int().min(0).meta({ description: "Builds it was seen in." }),
  kernels: z.number().int().min(0),
  acknowledgement: z.object({ by: z.string(), owner: z.string(), note: z.string(), at: instant }).nullable(),
  lastBuildId: id,
});
const namedWorkspace = z.object({ id, name: z.string() });

export const failureGroupsAnswerSchema = z.object({
  workspace: namedWorkspace,
  latestBuildId: id.nullable().meta({ description: "The workspace's latest build that made an image: what `new` is measured against." }),
  counts: z.object({ new: z.number().int(), ongoing: z.number().int(), fixed: z.number().int() }),
  groups: z.array(groupRecord.meta({ id: "FailureGroup" })),
});

export const failureGroupDetailSchema = groupRecord.extend({
  workspace: namedWorkspace,
  history: z.array(
    z.object({ buildId: id, failures: z.number().int(), kernels: z.number().int(), exampleFailureId: id, branch: z.string().nullable(), status: z.enum(BUILD_STATUSES), createdAt: instant, finishedAt: nullableInstant }),
  ),
  cells: z.array(z.object({ kernel: z.string(), moduleVersion: z.string(), flavour, firstBuildId: id, lastBuildId: id, stillFailing: z.boolean() })),
  example: failureSchema.nullable().meta({ description: "One failure's log (of the latest sighting whose image is still known)." }),
  notes: z.array(z.object({ id, by: z.string(), owner: z.string(), note: z.string(), at: instant })),
});

// Trends

const coverageRatio = z.number().min(0).max(1);
export const trendsSchema = z.object({
  workspace: namedWorkspace,
  branch: z.string().nullable().meta({ description: "The branch shown: the one asked for, or the one the workspace builds most." }),
  branches: z.array(z.string()),
  moduleVersions: z.array(z.string()),
  reference: z.object({ buildId: id, at: instant }).nullable().meta({ description: "The latest build at least a week old." }),
  series: z.array(
    z.object({
      moduleVersion: z.string(),
      flavour,
      latest: coverageRatio.nullable(),
      latestBuildId: id.nullable(),
      reference: coverageRatio.nullable(),
      change: z.number().nullable().meta({ description: "latest − reference." }),
      lastDrop: z.object({ buildId: id, at: instant, from: coverageRatio, to: coverageRatio }).nullable(),
      lags: z.boolean(),
    }),
  ),
  points: z.array(
    z.object({
      build: z.object({ id, createdAt: instant, finishedAt: nullableInstant }),
      kernels: z.number().int(),
      columns: z.array(
        z.object({
          moduleVersion: z.string(),
          flavour,
          withDriver: z.number().int(),
          built: z.number().int(),
          cached: z.number().int(),
          failed: z.number().int(),
          unavailable: z.number().int(),
          blocklisted: z.number().int(),
          coverage: coverageRatio.nullable(),
        }),
      ),
    }),
  ),
});

// Driver lookup

const lookupImage = z.object({ id, ref: z.string().nullable(), dockerId: z.string(), createdAt: nullableInstant, readAt: nullableInstant });
const driverCell = z.object({
  moduleVersion: z.string(),
  flavour,
  state: z.enum(DRIVER_STATES),
  driver: z.object({ path: z.string(), size: z.number().int(), sha256: z.string().nullable(), download: z.string() }).optional().meta({ description: "built: the file and where to download it." }),
  failure: z.object({ id, signature: z.string().nullable(), groupId: id.nullable(), log: z.string() }).optional().meta({ description: "failed: the signature, its group and where its log is." }),
  blocklist: blocklistRule.nullable().optional(),
});
export const driverLookupSchema = z
  .object({
    image: lookupImage,
    images: z.array(lookupImage).meta({ description: "The images the caller may pick instead (`imageId`)." }),
    moduleVersions: z.array(z.string()),
    moduleVersion: z.string().nullable(),
    kernels: z.array(
      z.object({
        release: z.string(),
        nodes: z.number().int().min(1),
        verdict: z.enum(RELEASE_VERDICTS),
        kernels: z.array(z.object({ kernel: z.string(), bundle: z.boolean(), cells: z.array(driverCell) })),
        nearest: z.array(z.object({ kernel: z.string(), uname: z.string() })).meta({ description: "no-bundle: the nearest kernels with a stored bundle." }),
      }),
    ),
    summary: z.object({
      nodes: z.number().int(),
      kernels: z.number().int(),
      coveredNodes: z.number().int(),
      coveredKernels: z.number().int(),
      kernelsWithoutDriver: z.number().int(),
      nodesWithoutDriver: z.number().int(),
      kernelsWithoutBundle: z.number().int(),
    }),
  })
  .meta({ id: "DriverLookup" });
