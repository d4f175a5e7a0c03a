"use client";

// One query hook per resource the browser follows, with its key and its
// fetcher: every page that shows a resource reads it the same way, and a
// change invalidates it by the same key.
import type { DriverOrigin } from "@/lib/provenance/driver-origin";
import type { ReproductionView } from "@/lib/drivers/latest-reproduction";
import { useQuery } from "@tanstack/react-query";
import type { BuildListView } from "@/lib/builds/list-builds";
import type { WorkspaceView } from "@/lib/workspace/describe-workspace";
import type { EngineView } from "@/lib/engines/manage-engines";
import type { BuildPlanPreview } from "@/lib/builds/plan/preview-build-plan";
import type { HealthView } from "@/components/health-types";
import type { BuildViewJson, RerunDescription } from "@/components/build/build-types";
import type { CoverageGridData } from "@/components/coverage/grid-model";
import type { ListedImage } from "@/components/build-form/cache-choices";
import type { DriverLookup } from "@/lib/drivers/lookup-drivers";
import { ACTIVE_BUILD_STATUSES } from "@/lib/vocabulary";
import { fetchJson, sendJson } from "./fetch-json";

export type RefChoice = { name: string; commit: string; subject: string };
/** GET /api/workspaces/:id/refs. */
export type WorkspaceRefsView = {
  branches: RefChoice[];
  tags: RefChoice[];
  head: string | null;
  /** What a build of the workspace builds unless told otherwise: a remote's default branch, a checkout's current one. */
  defaultBranch: string | null;
  moduleVersion: string | null;
  releasedModuleVersions: string[];
  kernelVersions: number;
};

export const queryKeys = {
  health: ["health"] as const,
  builds: (query: string) => ["builds", query] as const,
  build: (id: number) => ["build", id] as const,
  rerun: (id: number) => ["rerun", id] as const,
  buildPlan: (body: string) => ["build-plan", body] as const,
  workspaces: ["workspaces"] as const,
  workspaceRefs: (id: number | null) => ["workspace-refs", id] as const,
  engines: ["engines"] as const,
  coverage: (source: string) => ["coverage", source] as const,
  driver: (imageId: number | null, cell: string) => ["driver", imageId, cell] as const,
  failure: (id: number | null) => ["failure", id] as const,
  driverImages: ["driver-images", "all"] as const,
  driverLookup: (body: string) => ["driver-lookup", body] as const,
};

const LIVE = new Set<string>(ACTIVE_BUILD_STATUSES);

/** The engine's state, on every page. */
export function useHealth(initial: HealthView) {
  return useQuery({ queryKey: queryKeys.health, queryFn: () => fetchJson<HealthView>("/api/health", {}, { anyStatus: true }), initialData: initial, refetchInterval: 5_000 });
}

/** A page of the builds list (`query`: the list's own search parameters); every 2 s while one of them runs, else every `idleMs` (or never). */
export function useBuildList(query: string, initial: BuildListView, idleMs: number | false = false) {
  return useQuery({
    queryKey: queryKeys.builds(query),
    queryFn: () => fetchJson<BuildListView>(`/api/builds?${query}`),
    initialData: initial,
    refetchInterval: (q) => (q.state.data?.builds.some((b) => LIVE.has(b.status)) ? 2000 : idleMs),
  });
}

/** One build as GET /api/builds/:id answers it. */
export function fetchBuild(id: number) {
  return fetchJson<BuildViewJson>(`/api/builds/${id}`);
}

/** What re-running a build's failures would build. */
export function useRerunDescription(buildId: number) {
  return useQuery({ queryKey: queryKeys.rerun(buildId), queryFn: () => fetchJson<RerunDescription>(`/api/builds/${buildId}/rerun`) });
}

/** The plan the workspace's task master makes of a build body (JSON), the previous one kept while the next is asked. */
export function useBuildPlan(body: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.buildPlan(body),
    queryFn: () => sendJson<BuildPlanPreview>("POST", "/api/builds/plan", body),
    retry: false,
    placeholderData: (previous) => previous,
    enabled,
  });
}

/** A lookup of a fleet's kernels (the JSON body of POST /api/drivers/lookup): a read, kept per body; null asks nothing. */
export function useDriverLookup(body: string | null) {
  return useQuery({
    queryKey: queryKeys.driverLookup(body ?? ""),
    queryFn: () => sendJson<DriverLookup>("POST", "/api/drivers/lookup", body!),
    retry: false,
    enabled: body !== null,
  });
}

/** The workspaces, read again every 10 s (builds fetch remotes too). */
export function useWorkspaces(initial: WorkspaceView[]) {
  return useQuery({ queryKey: queryKeys.workspaces, queryFn: async () => (await fetchJson<{ workspaces: WorkspaceView[] }>("/api/workspaces")).workspaces, initialData: initial, refetchInterval: 10_000 });
}

/** How a workspace's refs are read: one cache entry per workspace, for the branch field and for a workspace just chosen. */
export function workspaceRefsQuery(workspaceId: number | null) {
  return { queryKey: queryKeys.workspaceRefs(workspaceId), queryFn: () => fetchJson<WorkspaceRefsView>(`/api/workspaces/${workspaceId}/refs`) };
}

/** The branches and tags of a workspace, read again when the workspace changes. */
export function useWorkspaceRefs(workspaceId: number | null, initial?: { workspaceId: number; refs: WorkspaceRefsView }) {
  return useQuery({
    ...workspaceRefsQuery(workspaceId),
    initialData: initial && workspaceId === initial.workspaceId ? initial.refs : undefined,
    enabled: workspaceId !== null,
  });
}

/** The Docker engines with their health, every 3 s. */
export function useEngines(initial: EngineView[]) {
  return useQuery({ queryKey: queryKeys.engines, queryFn: async () => (await fetchJson<{ engines: EngineView[] }>("/api/engines")).engines, initialData: initial, refetchInterval: 3_000 });
}

/** A coverage grid (a build's or an image's), every 3 s while its build runs. */
export function useCoverage(source: string, initial: CoverageGridData, live: boolean) {
  return useQuery({ queryKey: queryKeys.coverage(source), queryFn: () => fetchJson<CoverageGridData>(source), initialData: initial, refetchInterval: live ? 3000 : false });
}

export type DriverInfo = { path: string; size: number; sha256: string | null; kind: "driver" | "marker"; download: string | null; origin: DriverOrigin | null; reproduction: ReproductionView | null };
export type FailureInfo = { id: number; signature: string | null; line: string | null; log: string; builds?: number[] };

/** One cell's driver (`cell`: its kernel, module version and flavour as search parameters). */
export function useDriverInfo(imageId: number | null, cell: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.driver(imageId, cell),
    queryFn: () => fetchJson<DriverInfo>(`/api/images/${imageId}/driver?${cell}`),
    enabled: enabled && imageId !== null,
    // A reproduction in progress: its verdict comes when it ends.
    refetchInterval: (query) => (query.state.data?.reproduction && query.state.data.reproduction.identical === null && ["queued", "running"].includes(query.state.data.reproduction.status) ? 3000 : false),
  });
}

/** One failure with its log. */
export function useFailure(id: number | null) {
  return useQuery({ queryKey: queryKeys.failure(id), queryFn: () => fetchJson<FailureInfo>(`/api/failures/${id}`), enabled: id !== null });
}

/** Every driver image kobuild knows (the cache picker's choices), asked once `enabled` and kept for 30 s. */
export function useDriverImages(enabled: boolean) {
  return useQuery({ queryKey: queryKeys.driverImages, queryFn: () => fetchJson<{ images: ListedImage[]; engineError: string | null }>("/api/images?source=all"), enabled, staleTime: 30_000 });
}
