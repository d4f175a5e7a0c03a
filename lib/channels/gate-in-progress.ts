// Catch-ups whose result is at the gate right now: their build has ended but
// the channel is not yet published, held or failed. Over thousands of
// kernels the gate takes seconds, and the channel must not read as
// interrupted meanwhile. On globalThis: Next loads this module once per
// bundle (the build runner's and the routes'), all in one process.
const holder = globalThis as unknown as { kobuildChannelGates?: Set<number> };
const gating = (holder.kobuildChannelGates ??= new Set<number>());

export async function whileAtTheGate<T>(buildId: number, work: () => Promise<T>): Promise<T> {
  gating.add(buildId);
  try {
    return await work();
  } finally {
    gating.delete(buildId);
  }
}

export const atTheGate = (buildId: number) => gating.has(buildId);
