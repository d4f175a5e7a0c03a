import { parseDockerfileStages } from "../dockerfile-stages";

// How kobuild reads a build's plan from the build itself: the workspace's own
// Dockerfile, sent to the engine with one stage added at its end that copies
// what the seed's stages leave (the patcher's module version directories and
// the task master's /build-tasks) into a tiny image kobuild reads and removes.
// Nothing is written to the workspace: the added Dockerfile travels beside
// `collector/` in the build context only.

/** The stage kobuild adds; built as the target, so the builders never run for it. */
export const PLAN_STAGE = "kobuild-plan";
/** Where the plan Dockerfile sits in the build context (its root, outside collector/). */
export const PLAN_DOCKERFILE = "kobuild-plan.Dockerfile";
/** Where the plan image holds the task file and the module version directories. */
export const PLAN_TASKS_PATH = "/kobuild-plan/build-tasks";
export const PLAN_VERSIONS_PATH = "/kobuild-plan/versions-src";

/** The seed's stages the plan is read from, and where they leave it. */
const PATCHER = { stage: "patcher", path: "/kobuild-tmp/versions-src/" };
const TASK_MASTER = { stage: "task-master", path: "/build-tasks" };

export type PlanDockerfile = { text: string } | { missing: string[] };

/**
 * The workspace's Dockerfile with the plan stage added, or the stages it
 * lacks (a Dockerfile that does not follow the seed has no plan to read).
 */
export function planDockerfile(dockerfile: string): PlanDockerfile {
  const stages = new Set(parseDockerfileStages(dockerfile));
  const missing = [PATCHER.stage, TASK_MASTER.stage].filter((s) => !stages.has(s));
  if (missing.length > 0) return { missing };
  return {
    text: [
      dockerfile.replace(/\s*$/, ""),
      "",
      "# Added by kobuild for reading the plan; never part of the build's result.",
      `FROM scratch AS ${PLAN_STAGE}`,
      `COPY --from=${PATCHER.stage} ${PATCHER.path} ${PLAN_VERSIONS_PATH}/`,
      `COPY --from=${TASK_MASTER.stage} ${TASK_MASTER.path} ${PLAN_TASKS_PATH}`,
      "",
    ].join("\n"),
  };
}
