// Which stored bundles a build sends: the form's picker works on this model.
// Pure, so the filters, the counts and "run again" are tested on their own.

export type BundleChoice = {
  id: number;
  kernel: string;
  uname: string;
  distro: string;
  /** The kernel's major version (the 6 of 6.1.0), as the Bundles page filters it. */
  version: number;
  /** version.major.minor as BUNDLE_* gave them. */
  release: string;
  builder: "rhel-7" | "rhel-8";
};

export type BundleFilter = { search: string; distro: string | null; version: number | null };

export const NO_BUNDLE_FILTER: BundleFilter = { search: "", distro: null, version: null };

/** The bundles a filter shows, in the order given: search in the kernel id or uname (case-insensitive), distro and version exactly. */
export function filterBundles(bundles: readonly BundleChoice[], filter: BundleFilter): BundleChoice[] {
  const needle = filter.search.trim().toLowerCase();
  return bundles.filter(
    (b) =>
      (!needle || b.kernel.toLowerCase().includes(needle) || b.uname.toLowerCase().includes(needle)) &&
      (filter.distro === null || b.distro === filter.distro) &&
      (filter.version === null || b.version === filter.version),
  );
}

/** The values the filters offer, each with its number of bundles: only values that exist. */
export function bundleFacets(bundles: readonly BundleChoice[]) {
  const distros = new Map<string, number>();
  const versions = new Map<number, number>();
  for (const b of bundles) {
    distros.set(b.distro, (distros.get(b.distro) ?? 0) + 1);
    versions.set(b.version, (versions.get(b.version) ?? 0) + 1);
  }
  return {
    distros: [...distros].map(([distro, count]) => ({ distro, count })).sort((a, b) => a.distro.localeCompare(b.distro)),
    versions: [...versions].map(([version, count]) => ({ version, count })).sort((a, b) => a.version - b.version),
  };
}

export function toggleChosen(chosen: readonly number[], id: number): number[] {
  return chosen.includes(id) ? chosen.filter((c) => c !== id) : sortIds([...chosen, id]);
}

/** Adds every shown bundle to the chosen ones; the chosen that the filter hides stay chosen. */
export function chooseShown(chosen: readonly number[], shown: readonly BundleChoice[]): number[] {
  return sortIds([...new Set([...chosen, ...shown.map((b) => b.id)])]);
}

/** "5 of 8 bundles chosen", and how many of them the filter hides. */
export function chosenSummary(chosen: readonly number[], total: number, shown: readonly BundleChoice[]): string {
  const set = new Set(chosen);
  const hidden = chosen.length - shown.filter((b) => set.has(b.id)).length;
  const text = `${chosen.length.toLocaleString("en")} of ${total.toLocaleString("en")} bundle${total === 1 ? "" : "s"} chosen`;
  return hidden > 0 ? `${text} (${hidden.toLocaleString("en")} not shown by the filter)` : text;
}

/**
 * An earlier build's bundles, as ids stored now: its ids that still exist,
 * and for the others the bundle stored now for the same kernel (deleted and
 * uploaded again under a new id), from the kernels it recorded sending.
 * `lost` counts the build's bundles that nothing stored stands for any
 * more; `missing` names their kernels when the build recorded them.
 */
export function chosenFromBuild(ids: readonly number[], sentKernels: readonly string[], bundles: readonly BundleChoice[]): { chosen: number[]; lost: number; missing: string[] } {
  const byId = new Map(bundles.map((b) => [b.id, b]));
  const byKernel = new Map(bundles.map((b) => [b.kernel, b]));
  const chosen = new Set<number>();
  const found = new Set<string>();
  let unresolved = 0;
  for (const id of new Set(ids)) {
    const bundle = byId.get(id);
    if (bundle) {
      chosen.add(id);
      found.add(bundle.kernel);
    } else unresolved += 1;
  }
  const missing: string[] = [];
  let refound = 0;
  if (unresolved > 0) {
    for (const kernel of new Set(sentKernels)) {
      if (found.has(kernel)) continue;
      const bundle = byKernel.get(kernel);
      if (bundle && !chosen.has(bundle.id)) {
        chosen.add(bundle.id);
        refound += 1;
      } else if (!bundle) missing.push(kernel);
    }
  }
  return { chosen: sortIds([...chosen]), lost: Math.max(0, unresolved - refound), missing };
}

/**
 * A build that sent every bundle stored then, run again: still every stored
 * bundle when no other was stored since (null), else exactly the ones of the
 * kernels it recorded sending, with the count of bundles stored since (left
 * unchecked) and the kernels no longer stored.
 */
export function chosenFromEveryBundle(sentKernels: readonly string[], bundles: readonly BundleChoice[]): { chosen: number[]; since: number; missing: string[] } | null {
  const sent = new Set(sentKernels);
  const stored = new Set(bundles.map((b) => b.kernel));
  const since = bundles.filter((b) => !sent.has(b.kernel)).length;
  // A build that never started recorded nothing: "every bundle" is all there is to go by.
  if (sent.size === 0 || since === 0) return null;
  return { chosen: sortIds(bundles.filter((b) => sent.has(b.kernel)).map((b) => b.id)), since, missing: [...sent].filter((k) => !stored.has(k)) };
}

function sortIds(ids: number[]): number[] {
  return ids.sort((a, b) => a - b);
}
