"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import { BuildFailure, BuildWarnings } from "./build-failure";
import { BuildHeader } from "./build-header";
import { BuildOptions, BuildResultImage } from "./build-options";
import { BuildProgress } from "./build-progress";
import { buildQueryKey, useBuildView } from "./build-query";
import type { BuildStateEvent, BuildViewJson } from "./build-types";
import { useLiveBuildLog } from "./live-build-log";
import { LogPanel } from "./log-panel";
import type { RerunChoices } from "./rerun-button";
import { ShardLanes } from "./shard-lanes";
import { StageTimeline } from "./stage-timeline";
import { useNow, viewTime } from "./use-now";

/**
 * The page of one build. The server renders it from the database; the
 * events stream then brings every log line, stage and progress change, and
 * at the end the whole view is read again, so nothing needs a reload.
 */
export function BuildPage({ initial, rerun }: { initial: BuildViewJson; rerun: RerunChoices }) {
  const queryClient = useQueryClient();
  const id = initial.id;

  const onState = useCallback(
    (state: BuildStateEvent) => {
      const key = buildQueryKey(id);
      const before = queryClient.getQueryData<BuildViewJson>(key);
      queryClient.setQueryData<BuildViewJson>(key, (old) => (old ? { ...old, ...state } : old));
      // Start time, builder and stage list come with the full view only.
      if (!before || before.status !== state.status || before.stages.length !== state.stages.length) {
        void queryClient.invalidateQueries({ queryKey: key });
      }
    },
    [queryClient, id],
  );
  const onEnd = useCallback(() => void queryClient.invalidateQueries({ queryKey: buildQueryKey(id) }), [queryClient, id]);
  const live = useLiveBuildLog(
    id,
    useMemo(() => ({ onState, onEnd }), [onState, onEnd]),
  );
  const { data: build } = useBuildView(initial, live);
  const going = build.status === "running" || build.status === "queued";
  const now = useNow(going) ?? (going ? viewTime(build) : null);

  return (
    <>
      <BuildHeader build={build} now={now} rerun={rerun} />
      <BuildFailure build={build} live={live} />
      <BuildWarnings warnings={build.warnings} />
      <div className="mb-5 grid gap-4 lg:grid-cols-3">
        <BuildProgress plan={build.plan} status={build.status} />
        <BuildOptions build={build} />
        <BuildResultImage build={build} />
      </div>
      <StageTimeline
        build={build}
        now={now}
        // The shards run within the "shards" stage: their lanes sit under it, before the merge and the squash.
        inside={build.shards && build.stages.length > 0 ? { stage: "shards", content: <ShardLanes lanes={build.shards} now={now} /> } : undefined}
      />
      <LogPanel buildId={id} live={live} status={build.status} stages={build.stages} startedAt={build.startedAt} />
    </>
  );
}
