// Where a failure group stands, from its history in a workspace:
//
//   new      first seen in the workspace's latest build
//   ongoing  seen before, and still in the latest build that planned its tasks
//   fixed    the latest build that planned any of its tasks had none of them
//            fail with this signature
//
// A build that did not plan its tasks (other kernels, a cache that held them)
// says nothing about it either way.

export const GROUP_STATES = ["new", "ongoing", "fixed"] as const;
export type GroupState = (typeof GROUP_STATES)[number];

export type GroupHistory = {
  firstBuildId: number;
  lastBuildId: number;
  /** The latest build that planned some of its tasks without this failure, if any. */
  lastClearBuildId: number | null;
};

/** Builds are ordered by id: a later build was made of a later state of the workspace. */
export function groupState(history: GroupHistory, latestBuildId: number | null): GroupState {
  if (history.lastClearBuildId !== null && history.lastClearBuildId > history.lastBuildId) return "fixed";
  if (latestBuildId !== null && history.firstBuildId === latestBuildId) return "new";
  return "ongoing";
}

/** New groups first, then ongoing, then fixed; within a state the most recently seen first. */
export function compareGroups(a: { state: GroupState; lastBuildId: number; builds: number }, b: { state: GroupState; lastBuildId: number; builds: number }) {
  return GROUP_STATES.indexOf(a.state) - GROUP_STATES.indexOf(b.state) || b.lastBuildId - a.lastBuildId || b.builds - a.builds;
}
