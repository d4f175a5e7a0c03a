// Storing ends in check, rename, insert; deleting in rename, delete, unlink.
// Run those tails one at a time so two uploads of one kernel cannot both
// pass the check and overwrite each other's file. Kept on globalThis so
// development reloads share one queue.
const holder = globalThis as unknown as { kobuildBundleLock?: Promise<unknown> };

/** Runs `fn` once every earlier call has settled. */
export function withBundleLock<T>(fn: () => Promise<T>): Promise<T> {
  const run = (holder.kobuildBundleLock ?? Promise.resolve()).then(fn, fn);
  holder.kobuildBundleLock = run.catch(() => undefined);
  return run;
}
