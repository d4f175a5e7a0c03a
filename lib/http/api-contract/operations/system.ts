import { pruneQuerySchema, setRetentionBodySchema } from "@/lib/retention/retention-schemas";
import * as answers from "../answer-schemas";
import type { OperationGroup } from "../operation";

export const systemOperations: OperationGroup = {
  tag: "System",
  description: "Health, retention and this document.",
  operations: [
    {
      method: "GET",
      path: "/api/health",
      summary: "The engine, database and disk",
      description: "200 while the database answers, 503 otherwise.",
      role: "public",
      answers: [
        { status: 200, description: "Healthy enough to serve.", schema: answers.healthSchema },
        { status: 503, description: "The database does not answer.", schema: answers.healthSchema },
      ],
    },
    { method: "GET", path: "/api/openapi.json", summary: "This document", description: "The OpenAPI 3.1 description of every route, made from the schemas the routes parse with.", role: "viewer", answers: [{ status: 200, description: "The OpenAPI document.", schema: answers.openApiAnswerSchema }] },
    { method: "GET", path: "/api/retention", summary: "The retention policy", role: "admin", answers: [{ status: 200, description: "The default rules and each workspace's.", schema: answers.retentionSettingsSchema }] },
    {
      method: "PUT",
      path: "/api/retention",
      summary: "Set the default rules or one workspace's",
      role: "admin",
      body: setRetentionBodySchema,
      answers: [{ status: 200, description: "The policy.", schema: answers.retentionSettingsSchema }],
      errors: ["not_found"],
    },
    {
      method: "POST",
      path: "/api/retention/prune",
      summary: "Apply the retention policy now",
      description: "With `dryRun=1` only lists what would go. Either way the answer is what goes: builds, logs, failures, images, kept images with why, audit rows and totals.",
      role: "admin",
      query: pruneQuerySchema,
      answers: [{ status: 200, description: "What went (or would go).", schema: answers.prunePlanSchema }],
    },
  ],
};
