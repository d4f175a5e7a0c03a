import "server-only";
import { buildVersion } from "./build-signals";
import { getBuildView } from "./get-build";

/** What every follower of a build is sent as its `state` event, and what says the build ended. */
export type BuildState = { json: string; status: string; error: string | null; image: ReturnType<typeof getBuildView>["image"] };

// A hundred followers of a build, woken by each stored batch of its log, used
// to read and encode the same build view a hundred times over: the dashboard's
// CPU went to that, not to the log. The state is read once per change of the
// build and shared. A change that no signal announced is still seen: an entry
// is trusted for a second at most.
const FRESH_MS = 1_000;
const MAX_BUILDS = 500;

type Entry = BuildState & { version: number; at: number };
const holder = globalThis as unknown as { kobuildBuildStates?: Map<number, Entry> };
const cache = (holder.kobuildBuildStates ??= new Map());

export function readBuildState(buildId: number): BuildState {
  const version = buildVersion(buildId);
  const hit = cache.get(buildId);
  if (hit && hit.version === version && Date.now() - hit.at < FRESH_MS) return hit;
  const view = getBuildView(buildId);
  const json = JSON.stringify({ status: view.status, commit: view.commit, commitDirty: view.commitDirty, stages: view.stages, plan: view.plan, error: view.error, failedStep: view.failedStep, warnings: view.warnings, shards: view.shards });
  const entry: Entry = { json, status: view.status, error: view.error, image: view.image, version, at: Date.now() };
  cache.delete(buildId);
  cache.set(buildId, entry);
  // The least recently read go first.
  if (cache.size > MAX_BUILDS) cache.delete(cache.keys().next().value!);
  return entry;
}
