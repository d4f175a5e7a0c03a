"use client";

import { useQuery } from "@tanstack/react-query";
import type { BuildViewJson } from "./build-types";

export const buildQueryKey = (id: number) => ["build", id] as const;

async function fetchBuild(id: number): Promise<BuildViewJson> {
  const response = await fetch(`/api/builds/${id}`, { cache: "no-store" });
  if (!response.ok) throw new Error(`GET /api/builds/${id} answered ${response.status}`);
  return (await response.json()) as BuildViewJson;
}

/** The build view: first from the server render, then kept fresh by the events stream (which updates or invalidates it). */
export function useBuildView(initial: BuildViewJson) {
  return useQuery({ queryKey: buildQueryKey(initial.id), queryFn: () => fetchBuild(initial.id), initialData: initial });
}
