// The build as `GET /api/builds/:id` and the events stream send it (JSON:
// times are ISO strings). The server page sends the same shape.

import { isEndedStatus, type BuildStatus, type StageStatus } from "@/lib/vocabulary";

export type { BuildStatus, StageStatus };
export const isEnded = (status: BuildStatus) => isEndedStatus(status);

export type StageView = {
  name: string;
  status: StageStatus;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
};

export type { BuilderProgress } from "@/lib/vocabulary";
import type { BuildPlanRecord, BuilderProgress } from "@/lib/vocabulary";
import type { BuildOptionsView } from "@/lib/build-options";

export type BuildPlan = { planned: number | null; done: number; builders: Record<string, BuilderProgress>; source?: BuildPlanRecord | null };

/** Options as stored: never credentials, only whether they were given. */
export type { BuildOptionsView };

export type EngineRef = { id: string; name: string };

/** One build of a shard: the first, or a retry on another engine. */
export type ShardAttempt = {
  buildId: number;
  attempt: number;
  engine: EngineRef | null;
  status: BuildStatus;
  error: string | null;
  plan: BuildPlan;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  stages: StageView[];
};

/** A shard of a sharded build, with its attempts in order: the last is the current one. */
export type ShardLane = { index: number; kernels: number; attempts: ShardAttempt[] };

export type BuildImage = { id: number; dockerId: string; ref: string | null };

export type BuildViewJson = {
  id: number;
  kind: string;
  status: BuildStatus;
  /** A removed workspace keeps its name, without an id. */
  workspace: { id: number | null; name: string } | null;
  branch: string | null;
  /** The commit built (null until the build starts), and whether the sources built had changes not in it. */
  commit: string | null;
  commitDirty: boolean | null;
  options: BuildOptionsView;
  target: string | null;
  tag: string | null;
  builder: "buildkit" | "classic" | null;
  /** Where it runs; null: the default engine. */
  engine: EngineRef | null;
  /** On a shard's own build: the sharded build it belongs to. */
  parent: { id: number; shard: number | null; attempt: number | null } | null;
  /** On a sharded build: its shards; null on any other build. */
  shards: ShardLane[] | null;
  image: BuildImage | null;
  error: string | null;
  failedStep: string | null;
  warnings: string[];
  startedBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  plan: BuildPlan;
  stages: StageView[];
};

/** A `log` event: one line; `stream` 1 stdout, 2 stderr, 0 kobuild's own notes. */
export type LogLineEvent = { seq: number; stage: string | null; step: string | null; stream: number; ts: number; text: string };

/** A `state` event: what changes while a build runs. */
export type BuildStateEvent = Pick<BuildViewJson, "status" | "commit" | "commitDirty" | "stages" | "plan" | "error" | "failedStep" | "warnings" | "shards">;

/** The `end` event. */
export type BuildEndEvent = Pick<BuildViewJson, "status" | "error" | "image">;

/** `GET /api/builds/:id/rerun`: the failed and missing tasks by kernel, and whether each kernel's bundle is stored. */
export type RerunDescription = { buildId: number; tasks: number; kernels: { kernel: string; tasks: string[]; bundle: boolean }[] };
