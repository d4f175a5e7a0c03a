"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchBuild, queryKeys } from "@/components/queries";
import type { BuildViewJson } from "./build-types";
import type { LiveBuildLog } from "./live-build-log";

export const buildQueryKey = queryKeys.build;

/**
 * The build view: first from the server render, then kept fresh by the
 * events stream, which updates it or has it read again. A reading that
 * crossed a newer `state` event keeps that event's stages and status: the
 * stream sends a state only when it changes, so nothing would correct them.
 */
export function useBuildView(initial: BuildViewJson, live: LiveBuildLog) {
  return useQuery({
    queryKey: buildQueryKey(initial.id),
    queryFn: async () => {
      const view = await fetchBuild(initial.id);
      return live.latestState ? { ...view, ...live.latestState } : view;
    },
    initialData: initial,
  });
}
