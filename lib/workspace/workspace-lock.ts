import "server-only";

// One git operation at a time on a remote workspace's clone: a fetch moves its
// branches, and a build's checkout must copy them as they were at one moment.
const tails = new Map<number, Promise<unknown>>();

export async function withWorkspaceLock<T>(workspaceId: number, work: () => Promise<T>): Promise<T> {
  const before = tails.get(workspaceId) ?? Promise.resolve();
  const run = before.then(work, work);
  const tail = run.catch(() => undefined);
  tails.set(workspaceId, tail);
  try {
    return await run;
  } finally {
    if (tails.get(workspaceId) === tail) tails.delete(workspaceId);
  }
}
