import { imageIdParamsSchema, inspectImageBodySchema, listImagesQuerySchema } from "@/lib/images/image-schemas";
import { collectorBodySchema, mergeBodySchema, squashBodySchema } from "@/lib/images/operation-schemas";
import { pullBodySchema, pushBodySchema, registryIdParamsSchema, tagsQuerySchema, createRegistryBodySchema } from "@/lib/registries/registry-schemas";
import { addEngineBodySchema, engineIdParamsSchema, updateEngineBodySchema } from "@/lib/engines/engine-schemas";
import * as answers from "../answer-schemas";
import { imageRecordSchema, imagesAnswerSchema } from "../image-answer-schemas";
import type { OperationGroup } from "../operation";

export const imageOperations: OperationGroup = {
  tag: "Images",
  description: "Driver images kobuild has read, and the operations that make new ones (merge, squash, collector image).",
  operations: [
    {
      method: "GET",
      path: "/api/images",
      summary: "List driver images",
      description: "The images kobuild has read, newest first; `source=all` lists every driver image that is kobuild's: read ones, local ones and the configured registries' tags.",
      role: "viewer",
      query: listImagesQuerySchema,
      answers: [{ status: 200, description: "A page of image records (`source=read`), or the listing of every driver image (`source=all`).", schema: imagesAnswerSchema }],
    },
    { method: "GET", path: "/api/images/{id}", summary: "One image record", role: "viewer", params: imageIdParamsSchema, answers: [{ status: 200, description: "The image.", schema: imageRecordSchema }] },
    {
      method: "POST",
      path: "/api/images/inspect",
      summary: "Read a driver image the engine has",
      description: "201 with a new record; 200 with the earlier record of the same image id (unless `reread`). 422 when it has no `/kernel-modules`.",
      role: "operator",
      body: inspectImageBodySchema,
      answers: [
        { status: 201, description: "The image record, new.", schema: imageRecordSchema },
        { status: 200, description: "The image record read before.", schema: imageRecordSchema },
      ],
      errors: ["not_found", "unprocessable", "engine_unavailable"],
    },
    { method: "POST", path: "/api/images/merge", summary: "Queue a merge of driver images", role: "operator", body: mergeBodySchema, answers: [{ status: 201, description: "The build (kind merge).", schema: answers.buildSchema }], errors: ["conflict", "not_found"] },
    { method: "POST", path: "/api/images/squash", summary: "Queue a squash of a driver image", role: "operator", body: squashBodySchema, answers: [{ status: 201, description: "The build (kind squash).", schema: answers.buildSchema }], errors: ["conflict", "not_found"] },
    { method: "POST", path: "/api/images/collector", summary: "Queue a full collector image", role: "operator", body: collectorBodySchema, answers: [{ status: 201, description: "The build (kind collector).", schema: answers.buildSchema }], errors: ["conflict", "not_found"] },
    {
      method: "POST",
      path: "/api/images/{id}/push",
      summary: "Push an image kobuild has read to a registry",
      role: "operator",
      params: imageIdParamsSchema,
      body: pushBodySchema,
      answers: [{ status: 200, description: "The reference pushed and its digest.", schema: answers.pushedImageSchema }],
      errors: ["unprocessable", "bad_gateway", "engine_unavailable"],
    },
  ],
};

export const engineOperations: OperationGroup = {
  tag: "Engines",
  description: "The Docker engines builds run on.",
  operations: [
    { method: "GET", path: "/api/engines", summary: "List the engines, the default first", role: "viewer", answers: [{ status: 200, description: "The engines with their health (at most a few seconds old).", schema: answers.enginesAnswerSchema }] },
    {
      method: "POST",
      path: "/api/engines",
      summary: "Add an engine",
      description: "kobuild asks the engine for its version first; nothing is stored on a refusal.",
      role: "admin",
      body: addEngineBodySchema,
      answers: [{ status: 201, description: "The engine.", schema: answers.engineSchema }],
      errors: ["conflict", "unprocessable"],
    },
    { method: "GET", path: "/api/engines/{id}", summary: "One engine", role: "viewer", params: engineIdParamsSchema, answers: [{ status: 200, description: "The engine.", schema: answers.engineSchema }] },
    { method: "PATCH", path: "/api/engines/{id}", summary: "Rename an engine or change its concurrency", description: "The default engine follows the environment only (409).", role: "admin", params: engineIdParamsSchema, body: updateEngineBodySchema, answers: [{ status: 200, description: "The engine.", schema: answers.engineSchema }], errors: ["conflict"] },
    { method: "DELETE", path: "/api/engines/{id}", summary: "Remove an engine", description: "409 for the default engine or while builds are queued or running on it.", role: "admin", params: engineIdParamsSchema, answers: [{ status: 204, description: "Removed." }], errors: ["conflict"] },
  ],
};

export const registryOperations: OperationGroup = {
  tag: "Registries",
  description: "Container registries, their credentials (sealed, never shown), and pushing and pulling tags.",
  operations: [
    { method: "GET", path: "/api/registries", summary: "List the registries", role: "viewer", answers: [{ status: 200, description: "The registries, never a password.", schema: answers.registriesAnswerSchema }] },
    {
      method: "POST",
      path: "/api/registries",
      summary: "Add a registry",
      description: "The engine logs in with the credentials first; nothing is stored on a refusal.",
      role: "admin",
      body: createRegistryBodySchema,
      answers: [{ status: 201, description: "The registry.", schema: answers.registrySchema }],
      errors: ["conflict", "unprocessable", "bad_gateway"],
    },
    { method: "DELETE", path: "/api/registries/{id}", summary: "Forget a registry and its credentials", role: "admin", params: registryIdParamsSchema, answers: [{ status: 200, description: "The registry as it was.", schema: answers.registrySchema }] },
    { method: "GET", path: "/api/registries/{id}/tags", summary: "A repository's tags", description: "From the registry's HTTP API (v2).", role: "viewer", params: registryIdParamsSchema, query: tagsQuerySchema, answers: [{ status: 200, description: "The tags.", schema: answers.registryTagsSchema }], errors: ["unprocessable", "bad_gateway"] },
    {
      method: "POST",
      path: "/api/registries/{id}/pull",
      summary: "Pull a tag and read its drivers",
      role: "operator",
      params: registryIdParamsSchema,
      body: pullBodySchema,
      answers: [{ status: 200, description: "The image pulled, and its record when it holds drivers.", schema: answers.pulledImageSchema }],
      errors: ["unprocessable", "bad_gateway", "engine_unavailable"],
    },
  ],
};
