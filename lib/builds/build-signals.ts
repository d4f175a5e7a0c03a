import "server-only";
import { EventEmitter } from "node:events";

// Wakes readers of a build (SSE streams) when something new was stored. It
// carries no data: readers fetch from the database at their own pace, so a
// slow reader can never slow the build or make a buffer grow.
const holder = globalThis as unknown as { kobuildBuildSignals?: EventEmitter };
const emitter = (holder.kobuildBuildSignals ??= new EventEmitter().setMaxListeners(0));
// How many changes each build has signalled: readers that share what they read key it by this.
const versions = ((holder as { kobuildBuildVersions?: Map<number, number> }).kobuildBuildVersions ??= new Map());

export function signalBuildChanged(buildId: number) {
  versions.set(buildId, (versions.get(buildId) ?? 0) + 1);
  emitter.emit(String(buildId));
}

/** A number that changes whenever the build signals a change. */
export function buildVersion(buildId: number): number {
  return versions.get(buildId) ?? 0;
}

/** Resolves on the next change of the build, after `timeoutMs`, or when `signal` aborts. */
export function waitForBuildChange(buildId: number, timeoutMs: number, signal?: AbortSignal): Promise<"changed" | "timeout"> {
  return waitForAnyBuildChange([buildId], timeoutMs, signal);
}

/** Resolves on the next change of any of the builds (a sharded build's shards), after `timeoutMs`, or when `signal` aborts. */
export function waitForAnyBuildChange(buildIds: readonly number[], timeoutMs: number, signal?: AbortSignal): Promise<"changed" | "timeout"> {
  return new Promise((resolve) => {
    const keys = buildIds.map(String);
    const done = (why: "changed" | "timeout") => {
      clearTimeout(timer);
      for (const key of keys) emitter.off(key, onChange);
      signal?.removeEventListener("abort", onAbort);
      resolve(why);
    };
    const onChange = () => done("changed");
    const onAbort = () => done("timeout");
    const timer = setTimeout(() => done("timeout"), timeoutMs);
    for (const key of keys) emitter.on(key, onChange);
    signal?.addEventListener("abort", onAbort);
  });
}
