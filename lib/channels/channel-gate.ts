import { compareVersions } from "@/lib/workspace/compare-versions";

// The gate between a catch-up's result and the published image: what a
// node running the published image has must still be there after the tag
// moves, and the module version the branch builds now must not fail where
// the one it replaces built.

export type ImageCell = { kernel: string; moduleVersion: string; flavour: string };
export type ImageFacts = { drivers: ImageCell[]; failures: ImageCell[] };

const key = (c: ImageCell) => `${c.kernel} ${c.moduleVersion} ${c.flavour}`;

function newestVersion(facts: ImageFacts): string | null {
  const versions = [...new Set([...facts.drivers, ...facts.failures].map((c) => c.moduleVersion))].sort(compareVersions);
  return versions.at(-1) ?? null;
}

/**
 * The cells that hold a channel, each named in words: a driver of the
 * published image the candidate lacks (`... : built -> gone`, or
 * `built -> failed`), and, when the candidate's newest module version is a
 * new one, a kernel and flavour whose driver the published newest version
 * had and whose build now fails (`2.2.0 -> 2.3.0`). Empty: the gate is open.
 */
export function gateCells(published: ImageFacts, candidate: ImageFacts): string[] {
  const held: string[] = [];
  const candidateDrivers = new Set(candidate.drivers.map(key));
  const candidateFailures = new Set(candidate.failures.map(key));
  for (const cell of published.drivers) {
    if (candidateDrivers.has(key(cell))) continue;
    held.push(`${key(cell)}: built -> ${candidateFailures.has(key(cell)) ? "failed" : "gone"}`);
  }
  const before = newestVersion(published);
  const after = newestVersion(candidate);
  if (before && after && before !== after && compareVersions(after, before) > 0) {
    const failing = new Set(candidate.failures.filter((c) => c.moduleVersion === after && !candidateDrivers.has(key(c))).map((c) => `${c.kernel} ${c.flavour}`));
    for (const cell of published.drivers) {
      if (cell.moduleVersion !== before || !failing.has(`${cell.kernel} ${cell.flavour}`)) continue;
      held.push(`${cell.kernel} ${cell.flavour}: built in ${before} -> failed in ${after}`);
    }
  }
  return held.sort();
}
