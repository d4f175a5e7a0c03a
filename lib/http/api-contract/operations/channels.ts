import { failuresQuerySchema } from "@/lib/coverage/coverage-schemas";
import { channelIdParamsSchema, createChannelBodySchema, publishAnywayBodySchema, updateChannelBodySchema } from "@/lib/channels/channel-schemas";
import * as answers from "../channel-answer-schemas";
import * as coverage from "../coverage-answer-schemas";
import { MEDIA, type OperationGroup } from "../operation";

export const channelOperations: OperationGroup = {
  tag: "Channels",
  description: "Channels keep a driver image complete for a workspace's branch: new bundles, branch moves and schedules start catch-up builds, a gate holds a result that loses drivers, and the image's tag moves (and is pushed) otherwise.",
  operations: [
    { method: "GET", path: "/api/channels", summary: "List the channels", role: "viewer", answers: [{ status: 200, description: "Every channel with its state, published image, pending work, last builds and time-to-driver.", schema: answers.channelsAnswerSchema }] },
    {
      method: "POST",
      path: "/api/channels",
      summary: "Create a channel",
      role: "operator",
      body: createChannelBodySchema,
      answers: [{ status: 201, description: "The channel.", schema: answers.channelSchema }],
      errors: ["conflict", "unprocessable"],
    },
    { method: "GET", path: "/api/channels/{id}", summary: "One channel", role: "viewer", params: channelIdParamsSchema, answers: [{ status: 200, description: "The channel.", schema: answers.channelSchema }] },
    { method: "PATCH", path: "/api/channels/{id}", summary: "Change a channel", role: "admin", params: channelIdParamsSchema, body: updateChannelBodySchema, answers: [{ status: 200, description: "The channel as changed.", schema: answers.channelSchema }], errors: ["conflict", "unprocessable"] },
    { method: "DELETE", path: "/api/channels/{id}", summary: "Remove a channel (its builds and images stay)", role: "admin", params: channelIdParamsSchema, answers: [{ status: 200, description: "The channel is gone: its id and name.", schema: answers.removedChannelSchema }] },
    {
      method: "POST",
      path: "/api/channels/{id}/sync",
      summary: "Catch up now",
      description: "201 when a catch-up build started, 200 when there was nothing to build or one already runs.",
      role: "operator",
      params: channelIdParamsSchema,
      answers: [
        { status: 201, description: "The sync (a build started) and the channel.", schema: answers.channelSyncSchema },
        { status: 200, description: "The sync (nothing started) and the channel.", schema: answers.channelSyncSchema },
      ],
      errors: ["conflict"],
    },
    {
      method: "POST",
      path: "/api/channels/{id}/publish",
      summary: "Publish a held result anyway",
      description: "Overrules the gate: the reason and the held cells go to the audit log.",
      role: "admin",
      params: channelIdParamsSchema,
      body: publishAnywayBodySchema,
      answers: [{ status: 200, description: "The channel, published.", schema: answers.channelSchema }],
      errors: ["conflict", "bad_gateway"],
    },
    { method: "GET", path: "/api/channels/{id}/coverage", summary: "The published image's coverage grid", role: "viewer", params: channelIdParamsSchema, answers: [{ status: 200, description: "The same shape as an image's coverage.", schema: coverage.coverageGridSchema }] },
    { method: "GET", path: "/api/channels/{id}/failures", summary: "The published image's failures, grouped", role: "viewer", params: channelIdParamsSchema, query: failuresQuerySchema, answers: [{ status: 200, description: "The same shape as an image's failures.", schema: coverage.failuresAnswerSchema }] },
    {
      method: "POST",
      path: "/api/hooks/git",
      summary: "A git push hook (GitHub or GitLab)",
      description: "Proved by the shared secret (`KOBUILD_GIT_HOOK_SECRET`: GitHub's `X-Hub-Signature-256`, GitLab's `X-Gitlab-Token`; 404 while it is not set); a push to a channel's branch of a workspace with that remote starts its catch-up.",
      role: "public",
      rawBody: { media: MEDIA.json, description: "The push event as GitHub or GitLab sends it." },
      answers: [{ status: 202, description: "The channels the push started a catch-up of (none for a ping or a tag).", schema: answers.gitHookAnswerSchema }],
      errors: ["unauthorized", "bad_request", "not_found", "payload_too_large"],
    },
  ],
};
