import { buildIdParamsSchema } from "@/lib/builds/build-schemas";
import { compareQuerySchema, driverCellQuerySchema, failureIdParamsSchema, failuresQuerySchema } from "@/lib/coverage/coverage-schemas";
import { driverLookupBodySchema, driverQuerySchema, lookupFormatSchema } from "@/lib/drivers/driver-lookup-schemas";
import { acknowledgeBodySchema, failureGroupParamsSchema, failureGroupsQuerySchema } from "@/lib/failure-groups/failure-group-schemas";
import { imageIdParamsSchema } from "@/lib/images/image-schemas";
import { trendsQuerySchema } from "@/lib/trends/trend-schemas";
import * as answers from "../answer-schemas";
import { MEDIA, type OperationGroup } from "../operation";

export const coverageOperations: OperationGroup = {
  tag: "Coverage",
  description: "Which kernels have a driver: coverage grids, failures and their groups, trends, and the driver lookup.",
  operations: [
    {
      method: "GET",
      path: "/api/builds/{id}/coverage",
      summary: "A build's coverage grid",
      description: "Every kernel × module version × flavour: built, cached, failed, unavailable, blocklisted, missing or not planned.",
      role: "viewer",
      params: buildIdParamsSchema,
      answers: [{ status: 200, description: "The grid in its wire format." }],
    },
    {
      method: "GET",
      path: "/api/builds/{id}/failures",
      summary: "A build's failures grouped by signature",
      role: "viewer",
      params: buildIdParamsSchema,
      query: failuresQuerySchema,
      answers: [{ status: 200, description: "The groups, each with its failures." }],
    },
    { method: "GET", path: "/api/images/{id}/coverage", summary: "An image's coverage grid", description: "The same shape as a build's, from the image's files alone.", role: "viewer", params: imageIdParamsSchema, answers: [{ status: 200, description: "The grid." }] },
    { method: "GET", path: "/api/images/{id}/failures", summary: "An image's failures grouped by signature", role: "viewer", params: imageIdParamsSchema, query: failuresQuerySchema, answers: [{ status: 200, description: "The groups." }] },
    { method: "GET", path: "/api/failures/{id}", summary: "One failure with its whole log", role: "viewer", params: failureIdParamsSchema, answers: [{ status: 200, description: "The failure." }] },
    {
      method: "GET",
      path: "/api/coverage/compare",
      summary: "Compare two builds' or images' coverage",
      description: "Only the cells that changed, regressions first, then fixes, then other changes, with counts.",
      role: "viewer",
      query: compareQuerySchema,
      answers: [{ status: 200, description: "The changed cells and counts." }],
      errors: ["not_found"],
    },
    { method: "GET", path: "/api/trends", summary: "Coverage over a workspace's builds", role: "viewer", query: trendsQuerySchema, answers: [{ status: 200, description: "One point per finished driver build, and series per module version and flavour." }], errors: ["not_found"] },
    { method: "GET", path: "/api/failure-groups", summary: "A workspace's failure groups", role: "viewer", query: failureGroupsQuerySchema, answers: [{ status: 200, description: "The groups, new first, with counts per state." }], errors: ["not_found"] },
    { method: "GET", path: "/api/failure-groups/{id}", summary: "One failure group with its history", role: "viewer", params: failureGroupParamsSchema, answers: [{ status: 200, description: "The group, its history, cells, an example and acknowledgements." }] },
    {
      method: "POST",
      path: "/api/failure-groups/{id}/acknowledgements",
      summary: "Acknowledge a failure group",
      description: "A note and the operator or admin who owns the group from now on (the caller when absent).",
      role: "operator",
      params: failureGroupParamsSchema,
      body: acknowledgeBodySchema,
      answers: [{ status: 201, description: "The acknowledgement.", schema: answers.acknowledgementSchema }],
    },
    {
      method: "GET",
      path: "/api/drivers",
      summary: "Is there a driver for this kernel?",
      description: "The same answer as one kernel of the lookup; `format=csv` for one row per module version and flavour.",
      role: "viewer",
      query: driverQuerySchema,
      answers: [{ status: 200, description: "The lookup for one kernel.", alternatives: [MEDIA.csv] }],
    },
    {
      method: "POST",
      path: "/api/drivers/lookup",
      summary: "Look a fleet's kernels up against a driver image",
      description: "A read: nothing is stored. Up to 10,000 `uname -r` lines; a bad one refuses the list naming its line.",
      role: "viewer",
      query: lookupFormatSchema,
      body: driverLookupBodySchema,
      answers: [{ status: 200, description: "The image, its module versions, each kernel's verdict and cells, and a summary.", alternatives: [MEDIA.csv] }],
    },
    {
      method: "GET",
      path: "/api/images/{id}/driver",
      summary: "A cell's driver file",
      description: "Its path, size and sha256 in the image.",
      role: "viewer",
      params: imageIdParamsSchema,
      query: driverCellQuerySchema,
      answers: [{ status: 200, description: "The driver's path, size and sha256.", schema: answers.driverFileSchema }],
    },
    {
      method: "GET",
      path: "/api/images/{id}/driver/download",
      summary: "Download a cell's driver file",
      description: "An operator's: reading the file out of the image takes a container.",
      role: "operator",
      params: imageIdParamsSchema,
      query: driverCellQuerySchema,
      answers: [{ status: 200, description: "The driver file (gzip), as an attachment.", media: MEDIA.gzip }],
      errors: ["engine_unavailable"],
    },
  ],
};
