"use server";

import { pushToRegistry } from "@/lib/driver-images/transfer-driver-image";
import type { Principal } from "@/lib/auth/guard";
import { serverAction } from "@/lib/http/server-action";
import { createCollectorImage, createMerge, createSquash } from "@/lib/images/create-image-operation";
import { collectorBodySchema, mergeBodySchema, squashBodySchema } from "@/lib/images/operation-schemas";
import { pushBodySchema } from "@/lib/registries/registry-schemas";

const toBuildPage = (build: { id: number }) => `/builds/${build.id}`;
const buildTarget = (build: { id: number }) => `build ${build.id}`;

/** Starts a merge from the Images page; the same validation and domain call as POST /api/images/merge. */
export const startMergeAction = serverAction(
  { role: "operator", audit: { action: "start merge", target: buildTarget }, redirectTo: toBuildPage },
  (principal: Principal, input: unknown) => createMerge(mergeBodySchema.parse(input), { startedBy: principal.name }),
);

/** Starts a squash from the Images page; the same as POST /api/images/squash. */
export const startSquashAction = serverAction(
  { role: "operator", audit: { action: "start squash", target: buildTarget }, redirectTo: toBuildPage },
  (principal: Principal, input: unknown) => createSquash(squashBodySchema.parse(input), { startedBy: principal.name }),
);

/** Starts a full collector image from the Images page; the same as POST /api/images/collector. */
export const startCollectorAction = serverAction(
  { role: "operator", audit: { action: "start collector image", target: buildTarget }, redirectTo: toBuildPage },
  (principal: Principal, input: unknown) => createCollectorImage(collectorBodySchema.parse(input), { startedBy: principal.name }),
);

/** Pushes an image kobuild has read to a registry; the same as POST /api/images/:id/push. */
export const pushImageAction = serverAction({ role: "operator", audit: { action: "push image", target: (pushed) => pushed.ref } }, async (_principal: Principal, imageId: number, input: unknown) => {
  const result = await pushToRegistry(imageId, pushBodySchema.parse(input));
  return { ref: result.ref, digest: result.digest ?? null };
});
