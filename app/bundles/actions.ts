"use server";

import { z } from "zod";
import { createBundleSourceBodySchema } from "@/lib/bundle-sources/bundle-source-schemas";
import { addBundleSource, removeBundleSource } from "@/lib/bundle-sources/bundle-source-store";
import { pollBundleSource } from "@/lib/bundle-sources/poll-bundle-source";
import { serverAction } from "@/lib/http/server-action";
import type { Principal } from "@/lib/auth/guard";

const rowId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const done = () => ({ ok: true as const });

/** Adds a bundle source; the same as POST /api/bundle-sources. */
export const addBundleSourceAction = serverAction(
  { role: "admin", audit: { action: "add bundle source", target: (source) => source.location }, revalidate: "/bundles", reply: done },
  (principal: Principal, input: unknown) => addBundleSource(createBundleSourceBodySchema.parse(input), principal.name),
);

/** Forgets a bundle source (its bundles stay); the same as DELETE /api/bundle-sources/:id. */
export const removeBundleSourceAction = serverAction(
  { role: "admin", audit: { action: "remove bundle source", target: (source) => source.location }, revalidate: "/bundles", reply: done },
  (_principal: Principal, id: number) => removeBundleSource(rowId.parse(id)),
);

/** Polls a source now; the same as POST /api/bundle-sources/:id/poll. */
export const pollBundleSourceAction = serverAction(
  { role: "operator", audit: { action: "poll bundle source", target: (poll) => `${poll.stored} stored` }, revalidate: "/bundles" },
  (_principal: Principal, id: number) => pollBundleSource(rowId.parse(id)),
);
