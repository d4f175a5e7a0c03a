import { bundleIdParamsSchema, listBundlesQuerySchema, uploadBundlesQuerySchema } from "@/lib/bundles/bundle-schemas";
import { bundleSourceIdParamsSchema, createBundleSourceBodySchema } from "@/lib/bundle-sources/bundle-source-schemas";
import { registerWorkspaceBodySchema, updateWorkspaceBodySchema, workspaceIdParamsSchema } from "@/lib/workspace/workspace-schemas";
import * as answers from "../answer-schemas";
import { MEDIA, type OperationGroup } from "../operation";

export const bundleOperations: OperationGroup = {
  tag: "Bundles",
  description: "Kernel header bundles, uploaded or polled from sources.",
  operations: [
    { method: "GET", path: "/api/bundles", summary: "List the stored bundles", role: "viewer", query: listBundlesQuerySchema, answers: [{ status: 200, description: "The bundles.", schema: answers.bundlesAnswerSchema }] },
    {
      method: "POST",
      path: "/api/bundles",
      summary: "Upload bundles",
      description:
        "Each `bundle-<kernel>.tgz` is streamed to disk with its sha256 and checked as untrusted input. `replace=1` replaces a stored bundle of the same kernel with other content (otherwise 409). 201 when one was stored or replaced, 200 when all were already there; when all were refused, the first file's own status (413, 422, 409 or 507).",
      role: "operator",
      query: uploadBundlesQuerySchema,
      rawBody: { media: MEDIA.multipart, description: "One or more `bundle-<kernel>.tgz` files as form-data parts." },
      answers: [
        { status: 201, description: "At least one file was stored or replaced.", schema: answers.bundleUploadSchema },
        { status: 200, description: "Every file was already stored.", schema: answers.bundleUploadSchema },
        ...([409, 413, 422, 507] as const).map((status) => ({ status, description: "Every file was refused, the first one this way: its message and each file's result (or an error of the request itself).", schema: answers.bundleUploadRefusedSchema })),
      ],
      errors: ["payload_too_large", "unprocessable", "conflict", "insufficient_storage"],
    },
    { method: "DELETE", path: "/api/bundles/{id}", summary: "Remove a bundle's file and record", role: "operator", params: bundleIdParamsSchema, answers: [{ status: 200, description: "The bundle removed.", schema: answers.bundleSchema }] },
    { method: "GET", path: "/api/bundle-sources", summary: "Where bundles come from by themselves", role: "viewer", answers: [{ status: 200, description: "The sources.", schema: answers.bundleSourcesAnswerSchema }] },
    { method: "GET", path: "/api/bundle-sources/{id}", summary: "One bundle source", role: "viewer", params: bundleSourceIdParamsSchema, answers: [{ status: 200, description: "The source.", schema: answers.bundleSourceSchema }] },
    {
      method: "POST",
      path: "/api/bundle-sources",
      summary: "Add a bundle source",
      description: "A directory on the dashboard's host or an http(s) listing, polled every `pollMinutes` (an hour unless said).",
      role: "admin",
      body: createBundleSourceBodySchema,
      answers: [{ status: 201, description: "The source.", schema: answers.bundleSourceSchema }],
      errors: ["unprocessable", "conflict"],
    },
    { method: "DELETE", path: "/api/bundle-sources/{id}", summary: "Stop polling a source", description: "The bundles it brought stay.", role: "admin", params: bundleSourceIdParamsSchema, answers: [{ status: 200, description: "The source as it was.", schema: answers.bundleSourceSchema }] },
    {
      method: "POST",
      path: "/api/bundle-sources/{id}/poll",
      summary: "Poll a source now",
      description: "A poll already running is joined.",
      role: "operator",
      params: bundleSourceIdParamsSchema,
      answers: [{ status: 200, description: "What the poll found and stored.", schema: answers.bundleSourcePollSchema }],
    },
  ],
};

export const workspaceOperations: OperationGroup = {
  tag: "Workspaces",
  description: "The git remotes and checkouts builds are made of.",
  operations: [
    { method: "GET", path: "/api/workspaces", summary: "List the workspaces", role: "viewer", answers: [{ status: 200, description: "The workspaces.", schema: answers.workspacesAnswerSchema }] },
    {
      method: "POST",
      path: "/api/workspaces",
      summary: "Register a git remote or a checkout on this machine",
      description: "Nothing is kept on a refusal: 422 when the remote refuses, 502 when it does not answer in time, 409 when the name, path or URL is taken.",
      role: "admin",
      body: registerWorkspaceBodySchema,
      answers: [{ status: 201, description: "The workspace.", schema: answers.workspaceSchema }],
      errors: ["conflict", "unprocessable", "bad_gateway"],
    },
    { method: "GET", path: "/api/workspaces/{id}", summary: "One workspace", role: "viewer", params: workspaceIdParamsSchema, answers: [{ status: 200, description: "The workspace.", schema: answers.workspaceSchema }] },
    { method: "PATCH", path: "/api/workspaces/{id}", summary: "Change a workspace's Dockerfile or network", role: "admin", params: workspaceIdParamsSchema, body: updateWorkspaceBodySchema, answers: [{ status: 200, description: "The workspace.", schema: answers.workspaceSchema }] },
    {
      method: "DELETE",
      path: "/api/workspaces/{id}",
      summary: "Remove a workspace",
      description: "A remote's clone goes too; a checkout on this machine is left as it is. 409 while a build of it is queued or running.",
      role: "admin",
      params: workspaceIdParamsSchema,
      answers: [{ status: 204, description: "Removed." }],
      errors: ["conflict"],
    },
    {
      method: "POST",
      path: "/api/workspaces/{id}/fetch",
      summary: "Fetch a remote now",
      description: "409 for a checkout on this machine.",
      role: "operator",
      params: workspaceIdParamsSchema,
      answers: [{ status: 200, description: "The workspace.", schema: answers.workspaceSchema }],
      errors: ["conflict", "unprocessable", "bad_gateway"],
    },
    { method: "GET", path: "/api/workspaces/{id}/refs", summary: "Branches, tags and module versions", role: "viewer", params: workspaceIdParamsSchema, answers: [{ status: 200, description: "Branches and tags (from git), `MODULE_VERSION`, released versions and their module versions.", schema: answers.workspaceRefsSchema }] },
  ],
};
