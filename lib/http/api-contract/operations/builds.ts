import { z } from "zod";
import { buildIdParamsSchema, buildLogsQuerySchema, createBuildBodySchema, listBuildsQuerySchema } from "@/lib/builds/build-schemas";
import { rerunBodySchema } from "@/lib/builds/shards/create-rerun";
import * as answers from "../answer-schemas";
import { MEDIA, type OperationGroup } from "../operation";

/** The events stream reads where to resume from `Last-Event-ID`, or from `?after=` for a client that cannot set headers. */
const eventsQuerySchema = z.object({ after: z.string().regex(/^\d{1,12}$/).optional().meta({ description: "The last log line held: the stream resumes after it (as `Last-Event-ID` does)." }) });

export const buildOperations: OperationGroup = {
  tag: "Builds",
  description: "Driver builds and image operations: queueing, plans, logs, live events, re-runs.",
  operations: [
    { method: "GET", path: "/api/builds", summary: "List builds, newest first", role: "viewer", query: listBuildsQuerySchema, answers: [{ status: 200, description: "One page of builds.", schema: answers.buildListSchema }] },
    {
      method: "POST",
      path: "/api/builds",
      summary: "Queue a driver build",
      role: "operator",
      body: createBuildBodySchema,
      answers: [{ status: 201, description: "The build.", schema: answers.buildSchema }],
      errors: ["not_found", "conflict", "unprocessable"],
    },
    {
      method: "POST",
      path: "/api/builds/plan",
      summary: "Preview a build's plan",
      description: "The workspace's own task master plans the build on the default engine and nothing of it stays: module versions, tasks per builder, what the cache holds, what BLOCKLIST removes, and problems that would stop the build. Not recorded in the audit log; a caller that goes away cancels it.",
      role: "operator",
      body: createBuildBodySchema,
      answers: [{ status: 200, description: "The plan.", schema: answers.buildPlanPreviewSchema }],
      errors: ["not_found", "unprocessable", "engine_unavailable"],
    },
    { method: "GET", path: "/api/builds/{id}", summary: "One build", description: "Status, options (never credentials), commit, stages with timings, plan and progress, image, error and failing step.", role: "viewer", params: buildIdParamsSchema, answers: [{ status: 200, description: "The build.", schema: answers.buildSchema }] },
    {
      method: "GET",
      path: "/api/builds/{id}/logs",
      summary: "A build's log",
      description: "Plain text; `format=ndjson` for one `{seq, stage, stream, ts, text}` object per line; `download=1` to save it as a file; `stage=` for one stage.",
      role: "viewer",
      params: buildIdParamsSchema,
      query: buildLogsQuerySchema,
      answers: [{ status: 200, description: "The log.", media: MEDIA.text, alternatives: [MEDIA.ndjson] }],
    },
    {
      method: "GET",
      path: "/api/builds/{id}/events",
      summary: "Follow a build live (Server-Sent Events)",
      description: "Events `log` (id = line number; reconnect with `Last-Event-ID` to resume), `state` (stages, progress, status) and `end`; a comment every 10 s keeps proxies from closing it. 429 beyond the open streams allowed.",
      role: "viewer",
      params: buildIdParamsSchema,
      query: eventsQuerySchema,
      answers: [{ status: 200, description: "The event stream.", media: MEDIA.sse }],
      errors: ["too_many_requests"],
    },
    {
      method: "POST",
      path: "/api/builds/{id}/cancel",
      summary: "Cancel a queued or running build",
      description: "A sharded build is cancelled with all its shards; 409 once it has ended.",
      role: "operator",
      params: buildIdParamsSchema,
      answers: [{ status: 202, description: "The build, being cancelled.", schema: answers.buildSchema }],
      errors: ["conflict"],
    },
    { method: "GET", path: "/api/builds/{id}/rerun", summary: "What re-running what failed would build", role: "viewer", params: buildIdParamsSchema, answers: [{ status: 200, description: "The kernels and tasks a re-run would build.", schema: answers.rerunPreviewSchema }] },
    {
      method: "POST",
      path: "/api/builds/{id}/rerun",
      summary: "Re-run what failed",
      description: "409 when there is nothing to re-run.",
      role: "operator",
      params: buildIdParamsSchema,
      body: rerunBodySchema,
      answers: [{ status: 201, description: "The new build.", schema: answers.buildSchema }],
      errors: ["conflict"],
    },
    {
      method: "GET",
      path: "/api/builds/{id}/provenance",
      summary: "The build's provenance",
      description: "An in-toto Statement v1 with a SLSA Provenance v1 predicate: every driver file of its image with its sha256, the commit, the bundles and the images it was built from. `?download` names it as a file. 409 for a build that made no image.",
      role: "viewer",
      params: buildIdParamsSchema,
      answers: [{ status: 200, description: "The statement.", media: MEDIA.inToto }],
      errors: ["conflict"],
    },
  ],
};
